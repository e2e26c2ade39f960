using SuperRes.Models.Serialization;
using SuperRes.Tensors;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Training;

/// <summary>Adam's hyper-parameters other than the learning rate (which the schedule gives each step).</summary>
/// <remarks>Doubles, as PyTorch's Python floats: 1 − β2 is computed from 0.999, not from 0.999f.</remarks>
public sealed record AdamSettings(double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8, double WeightDecay = 0, float? ClipGradNorm = null);

/// <summary>
/// torch.optim.Adam over named parameters, on the parameters' device: one fused kernel per parameter tensor
/// (<see cref="Adam.Step"/>). As in PyTorch, state (m, v and the step count) is per parameter and created on its
/// first update, and a parameter whose gradient is null this step is skipped entirely — its moments do not
/// decay and its step count does not advance (MDSR: only the drawn scale's branch learns). Optional clipping by
/// the global gradient norm (torch.nn.utils.clip_grad_norm_), reduced on the device. <see cref="Step"/> clears
/// every gradient afterwards.
/// </summary>
public sealed class AdamOptimizer : IDisposable
{
    private readonly List<Slot> _slots;
    private readonly Device _device;
    private readonly Tensor _one;
    private readonly Tensor? _squares;
    private readonly Tensor? _clip;

    public AdamOptimizer(IEnumerable<(string Name, Tensor Value)> parameters, AdamSettings settings)
    {
        _slots = parameters.Select(p => new Slot(p.Name, p.Value)).ToList();
        if (_slots.Count == 0)
            throw new ArgumentException("adam: no parameters to optimise", nameof(parameters));
        var duplicate = _slots.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"adam: two parameters named '{duplicate.Key}'", nameof(parameters));
        _device = _slots[0].Parameter.Device;
        Settings = settings;
        _one = Tensor.Full(_device, new Shape(1), 1f);
        if (settings.ClipGradNorm is not null)
        {
            _squares = Tensor.Zeros(_device, new Shape(_slots.Count));
            _clip = Tensor.Zeros(_device, new Shape(2));
        }
    }

    public AdamSettings Settings { get; }

    public IReadOnlyList<string> Names => _slots.Select(s => s.Name).ToArray();

    /// <summary>How many updates a parameter has had (0 before its first).</summary>
    public long StepCount(string name) => Find(name).Step;

    /// <summary>
    /// Updates every parameter that has a gradient with learning rate <paramref name="learningRate"/>, then clears
    /// all gradients. Returns how many parameter tensors were updated.
    /// </summary>
    public int Step(double learningRate)
    {
        var active = _slots.Where(s => s.Parameter.Grad is not null).ToList();
        Tensor scale = _one;
        if (_clip is not null && active.Count > 0)
        {
            for (int i = 0; i < active.Count; i++)
                GradientNorm.SumOfSquares(active[i].Parameter.Grad!.Buffer, active[i].Parameter.Length, _squares!.Buffer, i);
            GradientNorm.ClipCoefficient(_squares!.Buffer, active.Count, Settings.ClipGradNorm!.Value, _clip.Buffer);
            scale = _clip;
        }
        foreach (var slot in active)
        {
            var p = slot.Parameter;
            slot.M ??= Tensor.Zeros(_device, p.Shape);
            slot.V ??= Tensor.Zeros(_device, p.Shape);
            slot.Step++;
            var h = new AdamHyperParameters(learningRate, Settings.Beta1, Settings.Beta2, Settings.Epsilon, Settings.WeightDecay, slot.Step);
            Adam.Step(p.Buffer, p.Grad!.Buffer, slot.M.Buffer, slot.V.Buffer, scale.Buffer, p.Length, h);
        }
        ZeroGrad();
        return active.Count;
    }

    /// <summary>The global gradient norm the last clipped step measured (reads the device; null without clipping).</summary>
    public float? LastGradientNorm() => _clip?.ToArray()[1];

    public void ZeroGrad()
    {
        foreach (var slot in _slots)
            slot.Parameter.ZeroGrad();
    }

    /// <summary>The optimiser state on the host: for each parameter that has state, its m, v and step count.</summary>
    public IReadOnlyList<(string Name, HostTensor M, HostTensor V, long Step)> ExportState() =>
        _slots.Where(s => s.M is not null)
            .Select(s => (s.Name, new HostTensor(s.M!.Shape.ToArray(), s.M.ToArray()), new HostTensor(s.V!.Shape.ToArray(), s.V!.ToArray()), s.Step))
            .ToArray();

    /// <summary>Restores <see cref="ExportState"/>'s output (parameters not listed get fresh state).</summary>
    public void ImportState(IEnumerable<(string Name, HostTensor M, HostTensor V, long Step)> state)
    {
        foreach (var slot in _slots)
            slot.Reset();
        foreach (var (name, m, v, step) in state)
        {
            var slot = _slots.FirstOrDefault(s => s.Name == name)
                ?? throw new SuperResException($"optimizer state for '{name}', which the network does not have");
            if (!m.Shape.SequenceEqual(slot.Parameter.Shape.ToArray()) || !v.Shape.SequenceEqual(slot.Parameter.Shape.ToArray()))
                throw new SuperResException($"optimizer state for '{name}' is [{string.Join("×", m.Shape)}], the parameter {slot.Parameter.Shape}");
            if (step < 1)
                throw new SuperResException($"optimizer state for '{name}' has step count {step}");
            slot.M = Tensor.FromArray(_device, slot.Parameter.Shape, m.Data);
            slot.V = Tensor.FromArray(_device, slot.Parameter.Shape, v.Data);
            slot.Step = step;
        }
    }

    public void Dispose()
    {
        foreach (var slot in _slots)
            slot.Reset();
        _one.Dispose();
        _squares?.Dispose();
        _clip?.Dispose();
    }

    private Slot Find(string name) => _slots.FirstOrDefault(s => s.Name == name) ?? throw new KeyNotFoundException($"adam: no parameter '{name}'");

    private sealed class Slot(string name, Tensor parameter)
    {
        public string Name { get; } = name;
        public Tensor Parameter { get; } = parameter;
        public Tensor? M { get; set; }
        public Tensor? V { get; set; }
        public long Step { get; set; }

        public void Reset()
        {
            M?.Dispose();
            V?.Dispose();
            M = V = null;
            Step = 0;
        }
    }
}
