using System.Globalization;
using RestoreBench.Core.Imaging;

namespace RestoreBench.Restorers;

/// <summary>Checks on a restorer's output that every caller applies the same way.</summary>
public static class RestorerOutput
{
    /// <summary>Throws when <paramref name="output"/> is not <paramref name="input"/>'s size times <paramref name="scale"/>.</summary>
    /// <param name="imageId">Image id for the message.</param>
    /// <param name="input">The low-quality input.</param>
    /// <param name="output">The restored image.</param>
    /// <param name="scale">Expected output/input size ratio.</param>
    /// <param name="what">What the output is, for the message (e.g. "the command's output").</param>
    /// <exception cref="RestorerException">The sizes do not match.</exception>
    public static void CheckSize(string imageId, ImageTensor input, ImageTensor output, int scale, string what)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (output.Height != input.Height * scale || output.Width != input.Width * scale)
        {
            throw new RestorerException($"{imageId}: {what} is {output.Height}x{output.Width}, expected {input.Height * scale}x{input.Width * scale} (input {input.Height}x{input.Width}, scale {scale})");
        }
    }

    /// <summary>Throws when a sample is NaN or infinite (a misbehaving model), naming the first one.</summary>
    /// <exception cref="RestorerException">A sample is not finite.</exception>
    public static void CheckFinite(string imageId, ImageTensor output) => CheckFinite(imageId, output, 0);

    /// <summary>
    /// Throws when a sample of a band of rows is NaN or infinite, naming it with its image row
    /// (<paramref name="firstRow"/> + the row within the band).
    /// </summary>
    /// <exception cref="RestorerException">A sample is not finite.</exception>
    public static void CheckFinite(string imageId, ImageTensor output, int firstRow)
    {
        ArgumentNullException.ThrowIfNull(output);
        ReadOnlySpan<double> data = output.Data;
        for (var i = 0; i < data.Length; i++)
        {
            if (!double.IsFinite(data[i]))
            {
                var plane = output.PlaneSize;
                var value = data[i].ToString(CultureInfo.InvariantCulture);
                throw new RestorerException($"{imageId}: the restored image has a non-finite value ({value}) at channel {i / plane}, row {firstRow + i % plane / output.Width}, column {i % output.Width}");
            }
        }
    }
}
