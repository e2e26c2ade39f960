namespace SuperRes.Models.Tests.Inference;

/// <summary>Reduced configurations of every zoo network (a few blocks, 8 features) and random inputs for them.</summary>
internal static class InferenceTestNetworks
{
    /// <summary>Zoo name → reduced options: the same layers and reach structure as the full network, in miniature.</summary>
    public static readonly IReadOnlyDictionary<string, string> Reduced = new Dictionary<string, string>
    {
        ["srcnn"] = "features=8,features2=4",
        ["fsrcnn"] = "d=8,s=4,m=2",
        ["srresnet"] = "blocks=2,features=8",
        ["edsr-baseline"] = "blocks=2,features=8",
        ["edsr"] = "blocks=1,features=8",
        ["mdsr-baseline"] = "blocks=1,features=8",
        ["mdsr"] = "blocks=2,features=8",
        ["msrn"] = "blocks=2,features=8",
        ["rcan"] = "groups=2,blocks=1,features=8,reduction=4",
    };

    public static SrNetwork Create(Device device, string name, int scale, int seed = 1)
    {
        Models.Modules.Init.Seed(seed);
        var network = ModelZoo.Create(device, name, scale, ModelOptions.Parse(Reduced[name]));
        network.Eval();
        return network;
    }

    public static int InputChannels(SrNetwork network) => network.Colors == ColorConvention.Y01 ? 1 : 3;

    /// <summary>Random planes in the network's input range ([0, 255] or [0, 1]), of <paramref name="lrHeight"/> × <paramref name="lrWidth"/> LR pixels (times the scale for SRCNN).</summary>
    public static Image RandomInput(SrNetwork network, int lrHeight, int lrWidth, int seed = 7)
    {
        int f = network.NeedsPreUpsampledInput ? network.Scale : 1;
        var planes = new Image(lrWidth * f, lrHeight * f, InputChannels(network));
        var rng = new Random(seed);
        float range = network.Colors == ColorConvention.Rgb255 ? 255f : 1f;
        for (int i = 0; i < planes.Data.Length; i++)
            planes.Data[i] = rng.NextSingle() * range;
        return planes;
    }

    public static double MaxAbsDifference(Image a, Image b)
    {
        Assert.Equal((a.Channels, a.Height, a.Width), (b.Channels, b.Height, b.Width));
        double max = 0;
        for (int i = 0; i < a.Data.Length; i++)
            max = Math.Max(max, Math.Abs((double)a.Data[i] - b.Data[i]));
        return max;
    }
}
