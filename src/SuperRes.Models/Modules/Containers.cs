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
    /// <summary>Applies the layers in turn, releasing each intermediate as soon as the next layer has consumed it.</summary>
    protected override Tensor ForwardCore(Tensor x)
    {
        var h = x;
        foreach (var layer in Items)
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
public sealed class ModuleList(Device device, params IEnumerable<Module> items) : IndexedModules(device, items)
{
    protected override Tensor ForwardCore(Tensor x) =>
        throw new InvalidOperationException("a ModuleList has no forward of its own: index it and call its items");
}
