namespace SuperRes.Imaging.Tests;

public class ImageTests
{
    [Fact]
    public void CropCopiesTheRegionOfEveryChannel()
    {
        var img = new Image(5, 4, 2, 16);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = i;
        var c = img.Crop(1, 2, 3, 2);
        Assert.Equal((3, 2, 2, 16), (c.Width, c.Height, c.Channels, c.BitDepth));
        Assert.Equal([11f, 12, 13, 16, 17, 18, 31, 32, 33, 36, 37, 38], c.Data);
        Assert.Throws<ArgumentOutOfRangeException>(() => img.Crop(3, 0, 3, 1));
    }

    [Fact]
    public void QuantizedRoundsLikeMatlabUint8()
    {
        var img = new Image(6, 1, 1);
        float[] v = [-0.5f, 0.5f, 1.49999f, 2.5f, 254.5f, float.NaN];
        v.CopyTo(img.Data, 0);
        Assert.Equal([0f, 1f, 1f, 3f, 255f, 0f], img.Quantized().Data);
    }

    [Fact]
    public void BitDepthConversionScalesBy257()
    {
        var img = new Image(2, 1, 1);
        img.Data[0] = 255; img.Data[1] = 1;
        var d16 = img.ToBitDepth(16);
        Assert.Equal([65535f, 257f], d16.Data);
        Assert.Equal(img.Data, d16.ToBitDepth(8).Data);
        Assert.Equal(65535f, d16.MaxValue);
    }

    [Fact]
    public void ChannelHelpers()
    {
        var ga = new Image(2, 2, 2);
        ga.Plane(0).Fill(7); ga.Plane(1).Fill(200);
        var rgba = ga.ToRgb();
        Assert.Equal(4, rgba.Channels);
        Assert.Equal(7f, rgba[2, 1, 1]);
        Assert.Equal(200f, rgba[3, 0, 0]);
        Assert.Equal(3, rgba.WithoutAlpha().Channels);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Image(1, 1, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Image(1, 1, 1, 12));
    }
}
