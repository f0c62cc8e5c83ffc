import { LastEventRecorder } from './last-event-recorder.js';

const A = '7f1c2d4e-0000-4000-8000-00000000000a';
const B = '7f1c2d4e-0000-4000-8000-00000000000b';
const at = (s: number) => new Date(Date.UTC(2026, 10, 26, 6, 0, s));

describe('LastEventRecorder', () => {
  it('writes one batch per flush with the latest time of each store, however many events', async () => {
    const writes: Map<string, Date>[] = [];
    const recorder = new LastEventRecorder(async (times) => void writes.push(new Map(times)));
    for (let i = 0; i < 1_000; i++) recorder.note(A, at(i % 7));
    recorder.note(B, at(3));
    recorder.note(B, at(1));
    await recorder.flush();
    expect(writes).toEqual([new Map([[A, at(6)], [B, at(3)]])]);
    await recorder.flush();
    expect(writes).toHaveLength(1);
  });

  it('keeps the times of a failed write for the next flush, where a newer time wins', async () => {
    const writes: Map<string, Date>[] = [];
    const errors: unknown[] = [];
    let fail = true;
    const recorder = new LastEventRecorder(async (times) => {
      if (fail) throw new Error('database down');
      writes.push(new Map(times));
    }, (err) => errors.push(err));
    recorder.note(A, at(5));
    recorder.note(B, at(5));
    await recorder.flush();
    expect(errors).toHaveLength(1);
    fail = false;
    recorder.note(A, at(9));
    await recorder.flush();
    expect(writes).toEqual([new Map([[A, at(9)], [B, at(5)]])]);
  });

  it('writes what is left when stopped', async () => {
    const writes: Map<string, Date>[] = [];
    const recorder = new LastEventRecorder(async (times) => void writes.push(new Map(times)));
    recorder.start(60_000);
    recorder.note(A, at(1));
    await recorder.stop();
    expect(writes).toEqual([new Map([[A, at(1)]])]);
  });
});
