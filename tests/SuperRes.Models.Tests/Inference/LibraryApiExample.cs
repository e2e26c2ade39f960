// The code of README.md's "Library API" section, kept here so that it compiles and runs in the tests
// (LibraryApiExampleTests). Change both together.

namespace SuperRes.Models.Tests.Inference;

public static class LibraryApiExample
{
    /// <summary>Upscales an image file by 2 with EDSR-baseline weights (.safetensors, or a PyTorch .pt/.pth).</summary>
    public static void UpscaleFile(string weights, string input, string output, string deviceId = "auto")
    {
        using var device = Devices.Open(deviceId);                   // "auto", "cpu", "opencl", "cuda:0", …
        using var upscaler = Upscaler.Load(device, "edsr-baseline", 2, weights,
            new UpscaleOptions { MaxMemoryBytes = 2L << 30 });       // tiles chosen to stay under 2 GiB
        Image image = ImageCodec.Read(input);                         // gray / RGB / RGBA, 8 or 16 bits
        Image result = upscaler.Upscale(image);                       // same channels and bit depth, 2× the size
        ImageCodec.Write(output, result);                             // format from the extension, written atomically
    }

    /// <summary>Upscales one RGB image held as planar floats in [0, 255] (EDSR's convention) through a tensor.</summary>
    public static float[] UpscaleTensor(Upscaler upscaler, float[] rgb255, int height, int width)
    {
        using var x = Tensor.FromArray(upscaler.Device, new Shape(1, 3, height, width), rgb255);
        using var y = upscaler.Upscale(x);                            // 1 × 3 × 2h × 2w on the network's device
        return y.ToArray();
    }
}
