namespace RestoreBench.Onnx.Runtime;

/// <summary>A model cannot be loaded or run; the message is one line naming the model and the reason.</summary>
public sealed class OnnxModelException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The requested execution provider is not part of the installed ONNX Runtime; the message says which
/// package provides it.
/// </summary>
public sealed class OnnxProviderUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
