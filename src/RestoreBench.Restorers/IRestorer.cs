using RestoreBench.Core.Imaging;

namespace RestoreBench.Restorers;

/// <summary>What kind of restorer it is (the paper's "traditional" vs CLDM split is a later property).</summary>
public enum RestorerKind
{
    /// <summary>Signal processing without learned weights (bicubic, Lanczos, Wiener, Richardson–Lucy).</summary>
    Classical,

    /// <summary>A neural network run through ONNX Runtime.</summary>
    Onnx,

    /// <summary>A user command run on a folder (e.g. the official DiffBIR / SUPIR scripts).</summary>
    External,

    /// <summary>Precomputed outputs in a folder, matched by stem.</summary>
    Folder,
}

/// <summary>Describes a restorer for tables and result files.</summary>
/// <param name="Name">Stable name, e.g. <c>classical:bicubic(scale=4)</c> or a catalog model name.</param>
/// <param name="Kind">Restorer kind.</param>
/// <param name="Scale">Output/input size ratio (1 for same-size restoration).</param>
/// <param name="ParameterCount">Learned parameters when known (0 for classical methods), else null.</param>
/// <param name="Description">One line: what it is and which reference it follows.</param>
public sealed record RestorerInfo(string Name, RestorerKind Kind, int Scale, long? ParameterCount, string Description);

/// <summary>Per-image context handed to a restorer.</summary>
/// <param name="ImageId">The image's identifier (file stem); folder and external restorers match outputs by it.</param>
/// <param name="Seed">
/// The experiment seed of this sample when an experiment runs the restorer (null otherwise): stochastic
/// restorers (CLDMs) derive their randomness from it and the image id, so that the seeds of a spec
/// give independent restorations as well as independent degradations.
/// </param>
public sealed record RestoreContext(string ImageId, long? Seed = null);

/// <summary>
/// Stage-1 restoration module M_φ of the paper (Eq. 3–4), or any complete restorer: maps a
/// low-quality image I_y to a restored image Î_x (planar RGB/gray in [0, 1]).
/// </summary>
public interface IRestorer : IDisposable
{
    /// <summary>Name, kind, scale and parameter count.</summary>
    RestorerInfo Info { get; }

    /// <summary>Restores one image. Errors specific to this image throw <see cref="RestorerException"/>.</summary>
    Task<ImageTensor> RestoreAsync(ImageTensor lowQuality, RestoreContext context, CancellationToken cancellationToken = default);
}

/// <summary>
/// A restorer that runs in this process and returns synchronously, so that it can be tiled
/// (<see cref="Tiling.Tiler"/>) and timed without I/O in the measurement. Classical and ONNX
/// restorers are in-process; external-command and folder restorers are not.
/// </summary>
public interface IInProcessRestorer : IRestorer
{
    /// <summary>Restores one image (or one tile) synchronously; same contract as <see cref="IRestorer.RestoreAsync"/>.</summary>
    ImageTensor Restore(ImageTensor lowQuality, CancellationToken cancellationToken = default);

    /// <summary>True when the restorer always returns RGB (gray inputs are converted first), e.g. ONNX networks.</summary>
    bool RgbOnly => false;
}

/// <summary>A restorer failed on one image; the message is one line naming the image and the reason.</summary>
public sealed class RestorerException(string message, Exception? inner = null) : Exception(message, inner);
