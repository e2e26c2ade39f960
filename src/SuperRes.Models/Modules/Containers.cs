using SuperRes.Tensors;

namespace SuperRes.Models.Modules;

/// <summary><c>nn.Sequential</c>: children named 0, 1, 2, … applied in order.</summary>
public class Sequential : Module
{
    private readonly List<Module> _layers = [];

    public Sequential(Device device, params IEnumerable<Module> layers) : base(device)
    {
        foreach (var layer in layers)
            Add(layer);
    }

    public int Count => _layers.Count;

    public Module this[int index] => _layers[index];

    public Sequential Add(Module layer)
    {
        Register(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
        return this;
    }

    /// <summary>Applies the layers in turn, releasing each intermediate as soon as the next layer has consumed it.</summary>
    protected override Tensor ForwardCore(Tensor x)
    {
        var h = x;
        foreach (var layer in _layers)
        {
            var next = layer.Forward(h);
            if (!ReferenceEquals(h, x))
                h.Dispose();
            h = next;
        }
        return ReferenceEquals(h, x) ? h.Clone() : h;
    }
}

/// <summary><c>nn.ModuleList</c>: indexed children without a forward of its own.</summary>
public sealed class ModuleList : Module
{
    private readonly List<Module> _items = [];

    public ModuleList(Device device, params IEnumerable<Module> items) : base(device)
    {
        foreach (var item in items)
            Add(item);
    }

    public int Count => _items.Count;

    public Module this[int index] => _items[index];

    public void Add(Module item)
    {
        Register(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), item);
        _items.Add(item);
    }

    protected override Tensor ForwardCore(Tensor x) =>
        throw new InvalidOperationException("a ModuleList has no forward of its own: index it and call its items");
}
