namespace RestoreBench.Onnx.Import;

/// <summary>A model cannot be imported; the message is one line naming the file and, where it applies, the layer and option.</summary>
public sealed class ModelImportException(string message, Exception? inner = null) : Exception(message, inner);
