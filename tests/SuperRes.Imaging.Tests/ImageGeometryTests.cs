namespace SuperRes.Imaging.Tests;

public sealed class ImageGeometryTests
{
    private static Image Numbered(int channels, int height, int width)
    {
        var p = new Image(width, height, channels);
        for (int i = 0; i < p.Data.Length; i++)
            p.Data[i] = i;
        return p;
    }

    private static float At(Image p, int c, int y, int x) => p.Data[(c * p.Height + y) * p.Width + x];

    [Theory]
    [InlineData(1, 5, 7)]
    [InlineData(3, 4, 4)]
    [InlineData(2, 1, 6)]
    public void Inverse_transform_undoes_every_symmetry(int channels, int height, int width)
    {
        var p = Numbered(channels, height, width);
        for (int symmetry = 0; symmetry < 8; symmetry++)
        {
            var t = p.Transform(symmetry);
            bool transposed = (symmetry & 4) != 0;
            Assert.Equal(transposed ? (width, height) : (height, width), (t.Height, t.Width));
            var back = t.InverseTransform(symmetry);
            Assert.Equal((channels, height, width), (back.Channels, back.Height, back.Width));
            Assert.Equal(p.Data, back.Data);
        }
    }

    [Fact]
    public void The_eight_symmetries_are_the_eight_distinct_maps_of_the_square()
    {
        var p = Numbered(1, 4, 4);
        var images = Enumerable.Range(0, 8).Select(s => string.Join(",", p.Transform(s).Data)).ToHashSet();
        Assert.Equal(8, images.Count);
    }

    [Fact]
    public void Transform_flips_then_transposes()
    {
        var p = Numbered(2, 3, 5);
        for (int symmetry = 0; symmetry < 8; symmetry++)
        {
            var t = p.Transform(symmetry);
            for (int c = 0; c < 2; c++)
                for (int y = 0; y < 3; y++)
                    for (int x = 0; x < 5; x++)
                    {
                        int fx = (symmetry & 1) != 0 ? 4 - x : x, fy = (symmetry & 2) != 0 ? 2 - y : y;
                        // The flipped image's pixel (fy, fx) is the source's (y, x); a transpose then swaps the axes.
                        float expected = At(p, c, y, x);
                        float actual = (symmetry & 4) != 0 ? At(t, c, fx, fy) : At(t, c, fy, fx);
                        Assert.Equal(expected, actual);
                    }
        }
    }

    [Fact]
    public void Crop_and_paste_round_trip()
    {
        var p = Numbered(3, 9, 11);
        var crop = p.Crop(3, 2, 7, 5);
        Assert.Equal((3, 5, 7), (crop.Channels, crop.Height, crop.Width));
        Assert.Equal(At(p, 2, 2, 3), At(crop, 2, 0, 0));
        var target = new Image(11, 9, 3);
        target.Paste(crop, 0, 0, 7, 5, 3, 2);
        for (int c = 0; c < 3; c++)
            for (int y = 2; y < 7; y++)
                for (int x = 3; x < 10; x++)
                    Assert.Equal(At(p, c, y, x), At(target, c, y, x));
    }

    [Fact]
    public void Paste_out_of_bounds_and_stacking_mismatches_fail_clearly()
    {
        var p = Numbered(1, 4, 4);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => p.Paste(Numbered(1, 2, 2), 0, 0, 2, 2, 3, 3));
        Assert.Contains("out of bounds", e.Message);
        Assert.Throws<ArgumentException>(() => Image.Stack(p, Numbered(1, 4, 5)));
    }

    [Fact]
    public void Stack_concatenates_channels_in_order()
    {
        var gray = Numbered(1, 2, 3);
        var stacked = Image.Stack(gray, Numbered(2, 2, 3));
        Assert.Equal(3, stacked.Channels);
        Assert.Equal(gray.Data, stacked.Data[..6]);
        Assert.Equal(Numbered(2, 2, 3).Data, stacked.Data[6..]);
    }
}
