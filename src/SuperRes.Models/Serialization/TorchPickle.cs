using System.Globalization;

namespace SuperRes.Models.Serialization;

/// <summary>A storage named by a checkpoint's persistent ids; only its description: the loaders read the bytes
/// of the storages the wanted tensors use, once each, after everything else in the file checked out.</summary>
internal sealed class TorchStorage(string key, ElementType type, long numel)
{
    public string Key { get; } = key;
    public ElementType Type { get; } = type;
    public long Numel { get; } = numel;

    /// <summary>Bytes the decoded float32 elements take.</summary>
    public long DecodedBytes => Numel > long.MaxValue / sizeof(float) ? long.MaxValue : Numel * sizeof(float);
}

/// <summary>A window on a storage: the whole of it, or (legacy files) a storage view at an element offset.</summary>
internal sealed record StorageSlice(TorchStorage Root, long Offset, long Numel);

/// <summary>A tensor as torch describes it: storage, element offset, sizes and strides (not yet copied).</summary>
internal sealed record TensorRef(StorageSlice Storage, long Offset, long[] Size, long[] Stride);

/// <summary>The class of a storage (torch.FloatStorage, torch.cuda.HalfStorage, ...).</summary>
internal sealed record TorchStorageType(string FullName, ElementType Type);

/// <summary>
/// Answers a checkpoint pickle's requests from an allow-list of exactly what a state_dict needs.
/// Any other global (os.system, builtins.eval, torch.storage._load_from_bytes, a model class...) is
/// refused the moment the pickle names it; nothing is ever imported or executed.
/// </summary>
internal sealed class TorchPickleResolver(string path, LoadBudget budget) : IPickleResolver
{
    private const string OrderedDict = "collections.OrderedDict";
    private const string RebuildTensor = "torch._utils._rebuild_tensor";
    private const string RebuildTensorV2 = "torch._utils._rebuild_tensor_v2";
    private const string RebuildParameter = "torch._utils._rebuild_parameter";
    private const string RebuildParameterWithState = "torch._utils._rebuild_parameter_with_state";
    private const string RebuildFromTypeV2 = "torch._utils._rebuild_from_type_v2";
    private const string TorchSize = "torch.Size";
    private const string TorchTensor = "torch.Tensor";
    private const string TorchParameter = "torch.nn.parameter.Parameter";

    public const string AllowListText =
        "collections.OrderedDict, torch._utils._rebuild_tensor(_v2), torch._utils._rebuild_parameter(_with_state), " +
        "torch._utils._rebuild_from_type_v2, torch.Size, torch.Tensor, torch.nn.parameter.Parameter, " +
        "torch[.cuda].<Float|Half|BFloat16|Double|Long|Int|Short|Char|Byte|Bool>Storage, torch dtypes";

    private static readonly HashSet<string> Functions =
    [
        OrderedDict, RebuildTensor, RebuildTensorV2, RebuildParameter, RebuildParameterWithState,
        RebuildFromTypeV2, TorchSize, TorchTensor, TorchParameter,
    ];

    private static readonly HashSet<string> DTypes =
    [
        "float32", "float", "float16", "half", "bfloat16", "float64", "double", "int64", "long", "int32", "int",
        "int16", "short", "int8", "uint8", "bool", "complex64", "complex128",
    ];

    private readonly Dictionary<string, TorchStorage> _storages = [];
    private readonly Dictionary<string, StorageSlice> _views = [];

    /// <summary>Storages the pickle referenced, by key.</summary>
    public IReadOnlyDictionary<string, TorchStorage> Storages => _storages;

    public object ResolveGlobal(string module, string name)
    {
        string full = $"{module}.{name}";
        if (Functions.Contains(full)) return new PyGlobal(module, name);
        if ((module == "torch" || module == "torch.cuda") && ElementTypes.FromTorchStorage(name) is { } t)
            return new TorchStorageType(full, t);
        if (module == "torch" && DTypes.Contains(name)) return new PyGlobal(module, name);
        throw new WeightFormatException(path,
            $"refusing to load: the pickle asks for global '{full}', which is not on the allow-list of state_dict types " +
            $"({AllowListText}). The file may be malicious, or hold a whole pickled model instead of a state_dict.");
    }

    public object? Reduce(object? callable, PyTuple args)
    {
        switch ((callable as PyGlobal)?.FullName)
        {
            case OrderedDict:
                var d = new PyDict();
                if (args.Count > 0 && args[0] is List<object?> pairs)
                {
                    budget.Step(pairs.Count); // the same list may be passed to many calls
                    foreach (var p in pairs)
                        if (p is PyTuple { Count: 2 } kv) d.Set(kv[0], kv[1]);
                        else throw Error("OrderedDict() argument is not a list of pairs");
                }
                return d;
            case RebuildTensorV2 when args.Count is 6 or 7:
            case RebuildTensor when args.Count == 4:
                return RebuildTensorRef(args);
            case RebuildParameter when args.Count == 3:
            case RebuildParameterWithState when args.Count == 4:
                return args[0] as TensorRef ?? throw Error($"{((PyGlobal)callable!).FullName} expects a tensor, got {Unpickler.Describe(args[0])}");
            case RebuildFromTypeV2 when args.Count == 4:
                return Reduce(UnwrapRebuildFromType(args));
            case TorchSize when args.Count == 1:
                return args[0] switch
                {
                    PyTuple t => t,
                    List<object?> l => new PyTuple(l.ToArray()),
                    _ => throw Error("torch.Size() argument is not a sequence"),
                };
            default:
                throw Error($"cannot call {Unpickler.Describe(callable)} with {args.Count} arguments");
        }
    }

    /// <summary>
    /// _rebuild_from_type_v2(func, new_type, args, state) is a plain Tensor/Parameter carrying Python attributes:
    /// the call it wraps, (func, args). Followed in a loop, with a depth limit, as a file can nest it 100,000 deep.
    /// </summary>
    private (object? Callable, PyTuple Args) UnwrapRebuildFromType(PyTuple args)
    {
        for (int depth = 1; ; depth++)
        {
            budget.Depth(depth, "_rebuild_from_type_v2");
            if (args[1] is not PyGlobal { FullName: TorchTensor or TorchParameter })
                throw Error($"_rebuild_from_type_v2 of {Unpickler.Describe(args[1])} is not a plain tensor");
            if (args[2] is not PyTuple inner) throw Error("_rebuild_from_type_v2 arguments are not a tuple");
            if (args[0] is not PyGlobal { FullName: RebuildFromTypeV2 } || inner.Count != 4) return (args[0], inner);
            args = inner;
        }
    }

    private object? Reduce((object? Callable, PyTuple Args) call) =>
        (call.Callable as PyGlobal)?.FullName == RebuildFromTypeV2
            ? throw Error("_rebuild_from_type_v2 wraps a malformed call")
            : Reduce(call.Callable, call.Args);

    public object? NewObject(object? cls, PyTuple args) =>
        cls is PyGlobal { FullName: OrderedDict } ? new PyDict() : throw Error($"cannot construct {Unpickler.Describe(cls)}");

    public void Build(object? target, object? state)
    {
        // OrderedDict state (a state_dict's _metadata) and tensor attributes carry nothing we need.
        if (target is PyDict or TensorRef) return;
        throw Error($"cannot set state on {Unpickler.Describe(target)}");
    }

    /// <summary>
    /// ('storage', storage_type, key, location, numel) in zip files, plus view_metadata
    /// (view_key, offset, view_numel) or None in legacy ones. ('module', ...) marks a whole pickled nn.Module.
    /// </summary>
    public object? PersistentLoad(object? pid)
    {
        if (pid is PyTuple { Count: > 0 } t && t[0] is "module")
            throw Error("the file is a whole pickled nn.Module, not a state_dict; re-save it with torch.save(model.state_dict(), ...)");
        if (pid is not PyTuple { Count: 5 or 6 } id || id[0] is not "storage")
            throw Error($"unsupported persistent id {Unpickler.Describe(pid)}");
        if (id[1] is not TorchStorageType st) throw Error($"persistent id names storage type {Unpickler.Describe(id[1])}");
        string key = id[2] switch
        {
            string s => s,
            long l => l.ToString(CultureInfo.InvariantCulture),
            _ => throw Error($"storage key {Unpickler.Describe(id[2])} is not a string"),
        };
        if (id[4] is not long numel || numel < 0) throw Error($"storage '{key}' has an invalid element count {Unpickler.Describe(id[4])}");

        if (!_storages.TryGetValue(key, out var root))
            _storages[key] = root = new TorchStorage(key, st.Type, numel);
        else if (root.Type != st.Type || root.Numel != numel)
            throw Error($"storage '{key}' is referenced as both {root.Type}[{root.Numel}] and {st.Type}[{numel}]");

        if (id.Count == 5 || id[5] is null) return new StorageSlice(root, 0, numel);
        if (id[5] is not PyTuple { Count: 3 } view || view[1] is not long off || view[2] is not long size || off < 0 || size < 0 || off + size > numel)
            throw Error($"storage '{key}' has malformed view metadata");
        string viewKey = view[0]?.ToString() ?? "";
        if (!_views.TryGetValue(viewKey, out var slice)) _views[viewKey] = slice = new StorageSlice(root, off, size);
        return slice;
    }

    private TensorRef RebuildTensorRef(PyTuple a)
    {
        if (a[0] is not StorageSlice storage) throw Error($"tensor storage is {Unpickler.Describe(a[0])}, not a storage");
        if (a[1] is not long offset) throw Error("tensor storage offset is not an int");
        return new TensorRef(storage, offset, Longs(a[2], "size"), Longs(a[3], "stride"));
    }

    private long[] Longs(object? o, string what)
    {
        if (o is not PyTuple t) throw Error($"tensor {what} is {Unpickler.Describe(o)}, not a tuple");
        budget.Step(t.Count);
        var r = new long[t.Count];
        for (int i = 0; i < r.Length; i++) r[i] = t[i] as long? ?? throw Error($"tensor {what} holds {Unpickler.Describe(t[i])}");
        return r;
    }

    private WeightFormatException Error(string problem) => new(path, problem);
}
