using System.Globalization;
using SuperRes.Tensors;

namespace SuperRes.Models.Modules;

/// <summary>Children named 0, 1, 2, … in the order they are added (the keys PyTorch's containers give them).</summary>
public abstract class IndexedModules : Module
{
    private readonly List<Module> _items = [];

    protected IndexedModules(Device device, IEnumerable<Module> items) : base(device)
    {
        foreach (var item in items)
            Add(item);
    }

    public int Count => _items.Count;

    public Module this[int index] => _items[index];

    public void Add(Module item)
    {
        Register(_items.Count.ToString(CultureInfo.InvariantCulture), item);
        _items.Add(item);
    }

    protected IReadOnlyList<Module> Items => _items;
}

/// <summary><c>nn.Sequential</c>: children named 0, 1, 2, … applied in order.</summary>
public class Sequential(Device device, params IEnumerable<Module> layers) : IndexedModules(device, layers)
{
    /// <summary>
    /// Applies the layers in turn, releasing each intermediate as soon as the next layer has consumed it. A Conv2d
    /// followed by a Relu, LeakyRelu, PRelu or PixelShuffle runs as one fused convolution
    /// (<see cref="Conv2d.Forward(Tensor, ConvFusion)"/>).
    /// </summary>
    protected override Tensor ForwardCore(Tensor x) => Run(x, null, 1f);

    /// <summary>
    /// <c>residual + scale · Forward(x)</c>, with the add fused into the last layer when it is a convolution (EDSR's
    /// ResBlock and global skip): no separate output of the layers is made.
    /// </summary>
    public Tensor Forward(Tensor x, Tensor residual, float scale) => InMode((x, residual, scale), p => Run(p.x, p.residual, p.scale));

    /// <summary>
    /// <see cref="Module.Forward(Tensor)"/> that takes <paramref name="x"/> over: it is released as soon as the first
    /// layer has read it, so a caller's intermediate does not stay allocated beside every later layer's (the peak of
    /// a forward, and so its tile size, is set by what is alive at once).
    /// </summary>
    public Tensor ForwardReleasingInput(Tensor x) => InMode(x, input => Run(input, null, 1f, ownsInput: true));

    private Tensor Run(Tensor x, Tensor? residual, float scale, bool ownsInput = false)
    {
        var h = x;
        for (int i = 0; i < Items.Count;)
        {
            Tensor next;
            if (Items[i] is Conv2d conv)
            {
                var activation = i + 1 < Items.Count ? Items[i + 1] : null;
                var fusion = activation switch
                {
                    Relu => new ConvFusion(ConvActivation.Relu),
                    LeakyRelu leaky => new ConvFusion(ConvActivation.LeakyRelu, leaky.Slope),
                    PRelu prelu => new ConvFusion(ConvActivation.PRelu, Slopes: prelu.Slope),
                    PixelShuffle shuffle when conv.OutChannels % (shuffle.Factor * shuffle.Factor) == 0 => new ConvFusion(PixelShuffle: shuffle.Factor),
                    _ => null,
                };
                int consumed = fusion is null ? 1 : 2;
                fusion ??= new ConvFusion();
                if (residual is not null && i + consumed == Items.Count && fusion.PixelShuffle == 1)
                {
                    fusion = fusion with { Residual = residual, ResidualScale = scale };
                    residual = null;
                }
                next = conv.Forward(h, fusion);
                i += consumed;
            }
            else
                next = Items[i++].Forward(h);
            if (ownsInput || !ReferenceEquals(h, x))
                h.Dispose();
            h = next;
        }
        if (residual is not null)
        {
            var output = h;
            h = Ops.ResidualAdd(residual, output, scale);
            if (ownsInput || !ReferenceEquals(output, x))
                output.Dispose();
        }
        return ReferenceEquals(h, x) && !ownsInput ? h.Clone() : h;
    }
}

/// <summary><c>nn.ModuleList</c>: indexed children without a forward of its own.</summary>
public sealed class ModuleList(Device device, params IEnumerable<Module> items) : IndexedModules(device, items)
{
    protected override Tensor ForwardCore(Tensor x) =>
        throw new InvalidOperationException("a ModuleList has no forward of its own: index it and call its items");
}
