/**
 * A sine tone generator, phase-continuous across frames, for demo media and tests.
 * Deterministic: the same settings give the same samples.
 */
export class ToneGenerator {
  private phase = 0;
  private readonly step: number;
  private readonly amplitude: number;

  /** `amplitude` is a fraction of full scale (0..1). */
  constructor(
    readonly frequencyHz: number,
    readonly sampleRate = 8000,
    amplitude = 0.5,
  ) {
    this.step = (2 * Math.PI * frequencyHz) / sampleRate;
    this.amplitude = Math.max(0, Math.min(1, amplitude)) * 32767;
  }

  /** The next `n` samples. */
  next(n: number): Int16Array {
    const out = new Int16Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = Math.round(this.amplitude * Math.sin(this.phase));
      this.phase += this.step;
      if (this.phase >= 2 * Math.PI) this.phase -= 2 * Math.PI;
    }
    return out;
  }
}
