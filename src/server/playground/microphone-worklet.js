// AudioWorklet processor: the microphone at the AudioContext's rate → 16-bit mono PCM at the target rate, posted in 20 ms frames.

/** Frame length posted to the page, ms; matches the server's 20 ms audio frames. */
const frameMs = 20;

class MicrophoneDownsampler extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const target = options.processorOptions?.targetSampleRate ?? 16000;
    // `sampleRate` is the AudioContext's rate (often 48000 or 44100), a global of the worklet scope.
    this.ratio = sampleRate / target;
    this.inputIndex = 0;
    this.outputIndex = 0;
    this.sum = 0;
    this.count = 0;
    this.frameSize = Math.round((target * frameMs) / 1000);
    this.frame = new Int16Array(this.frameSize);
    this.frameLength = 0;
  }

  emit(value) {
    const clamped = Math.max(-1, Math.min(1, value));
    this.frame[this.frameLength] = clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff;
    this.frameLength += 1;
    if (this.frameLength === this.frameSize) {
      // Transferring the buffer detaches it (this.frame.length becomes 0), so the next frame is sized from frameSize.
      this.port.postMessage(this.frame.buffer, [this.frame.buffer]);
      this.frame = new Int16Array(this.frameSize);
      this.frameLength = 0;
    }
  }

  process(inputs) {
    const channel = inputs[0]?.[0];
    if (!channel) return true;
    // Each output sample is the mean of the input samples that fall in its period: a box filter that keeps
    // most energy above the target Nyquist out of the downsampled signal, cheap enough for the audio thread.
    for (let index = 0; index < channel.length; index += 1) {
      const output = Math.floor(this.inputIndex / this.ratio);
      if (output !== this.outputIndex) {
        if (this.count > 0) this.emit(this.sum / this.count);
        this.outputIndex = output;
        this.sum = 0;
        this.count = 0;
      }
      this.sum += channel[index];
      this.count += 1;
      this.inputIndex += 1;
    }
    return true;
  }
}

registerProcessor('microphone-downsampler', MicrophoneDownsampler);
