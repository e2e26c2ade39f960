namespace SuperRes.Models.Tests.Inference;

/// <summary>Runs README's "Library API" code (<see cref="LibraryApiExample"/>) on a small EDSR-baseline.</summary>
[Collection(NetworkCollection.Name)]
public sealed class LibraryApiExampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("superres-api-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_readme_example_upscales_a_file_and_a_tensor()
    {
        string weights = Path.Combine(_dir, "edsr_baseline_x2.safetensors");
        using (var network = ModelZoo.Create(TestDevices.Cpu, "edsr-baseline", 2, ModelOptions.Parse("blocks=1,features=8")))
            NetworkWeights.SaveSafetensors(network, weights);
        var image = new Image(17, 13, 4);
        var rng = new Random(1);
        for (int i = 0; i < image.Data.Length; i++)
            image.Data[i] = rng.Next(256);
        string input = Path.Combine(_dir, "in.png"), output = Path.Combine(_dir, "out.png");
        ImageCodec.Write(input, image);

        LibraryApiExample.UpscaleFile(weights, input, output, "cpu");

        var result = ImageCodec.Read(output);
        Assert.Equal((34, 26, 4, 8), (result.Width, result.Height, result.Channels, result.BitDepth));

        using var device = Devices.Open("cpu");
        using var upscaler = Upscaler.Load(device, "edsr-baseline", 2, weights);
        var rgb = image.WithoutAlpha();
        var fromTensor = LibraryApiExample.UpscaleTensor(upscaler, rgb.Data, rgb.Height, rgb.Width);
        var fromImage = upscaler.Upscale(rgb, quantize: false);
        Assert.Equal(fromImage.Data.Length, fromTensor.Length);
        for (int i = 0; i < fromTensor.Length; i++)
            Assert.Equal(fromImage.Data[i], fromTensor[i], 1e-3f);
    }

    [Fact]
    public void The_readme_shows_exactly_this_code()
    {
        string root = TestPaths.RepoRoot;
        string example = ClassText(File.ReadAllText(Path.Combine(root, "tests", "SuperRes.Models.Tests", "Inference", "LibraryApiExample.cs")));
        string readme = ClassText(File.ReadAllText(Path.Combine(root, "README.md")));
        Assert.Equal(example, readme);
    }

    /// <summary>From "public static class LibraryApiExample" to the first closing brace at the start of a line.</summary>
    private static string ClassText(string text)
    {
        text = text.Replace("\r\n", "\n");
        int start = text.IndexOf("public static class LibraryApiExample", StringComparison.Ordinal);
        Assert.True(start >= 0, "LibraryApiExample not found");
        int end = text.IndexOf("\n}", start, StringComparison.Ordinal);
        return text[start..(end + 2)];
    }
}
