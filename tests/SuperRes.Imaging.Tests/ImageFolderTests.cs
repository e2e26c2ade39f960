namespace SuperRes.Imaging.Tests;

public sealed class ImageFolderTests
{
    [Fact]
    public void Lists_the_image_files_by_extension_in_ordinal_order_without_subfolders()
    {
        using var dir = new TempDir("folder");
        foreach (var name in new[] { "b.png", "a.JPG", "C.bmp", "d.jpeg", "notes.txt", "e.png.bak", "noext" })
            File.WriteAllBytes(dir.File(name), [0]);
        Directory.CreateDirectory(dir.Sub("sub.png"));
        File.WriteAllBytes(Path.Combine(dir.Sub("sub.png"), "inner.png"), [0]);

        string[] files = ImageFolder.Files(dir.Path).Select(f => Path.GetFileName(f)).ToArray();

        Assert.Equal(new[] { "C.bmp", "a.JPG", "b.png", "d.jpeg" }, files);
    }

    [Fact]
    public void A_missing_folder_is_an_engine_error_naming_it()
    {
        string missing = Path.Combine(Path.GetTempPath(), "superres-no-such-folder-" + Guid.NewGuid().ToString("N"));

        var e = Assert.Throws<SuperResException>(() => ImageFolder.Files(missing));

        Assert.Contains(missing, e.Message);
    }
}
