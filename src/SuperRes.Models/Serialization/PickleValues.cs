using System.Numerics;

namespace SuperRes.Models.Serialization;

// The Python values our unpickler builds. Plain data only: None is null, bool, long (BigInteger when
// it does not fit), double, string, byte[], List<object?> (list), PyTuple, PyDict, PySet, PyGlobal,
// plus the torch objects (TorchStorage, TensorRef) the resolver creates.

/// <summary>A Python tuple; equality is structural (tuples can be dict keys).</summary>
internal sealed class PyTuple(object?[] items) : IEquatable<PyTuple>
{
    public static readonly PyTuple Empty = new([]);
    public object?[] Items { get; } = items;
    public int Count => Items.Length;
    public object? this[int i] => Items[i];

    public bool Equals(PyTuple? other) => other is not null && PyKeyComparer.Instance.Equals(this, other);
    public override bool Equals(object? obj) => obj is PyTuple t && Equals(t);
    public override int GetHashCode() => PyKeyComparer.Instance.GetHashCode(this);
}

/// <summary>A Python dict or OrderedDict: insertion-ordered, last write to a key wins.</summary>
internal sealed class PyDict
{
    private static readonly object NoneKey = new();
    private readonly List<KeyValuePair<object?, object?>> _items = [];
    private readonly Dictionary<object, int> _index = new(PyKeyComparer.Instance);

    public IReadOnlyList<KeyValuePair<object?, object?>> Items => _items;
    public int Count => _items.Count;

    public void Set(object? key, object? value)
    {
        PyKeyComparer.CheckKey(key);
        object k = key ?? NoneKey;
        if (_index.TryGetValue(k, out int i)) _items[i] = new(key, value);
        else { _index[k] = _items.Count; _items.Add(new(key, value)); }
    }

    public bool TryGet(object key, out object? value)
    {
        if (_index.TryGetValue(key, out int i)) { value = _items[i].Value; return true; }
        value = null;
        return false;
    }
}

/// <summary>A Python set or frozenset (kept as a list: nothing we load needs set semantics).</summary>
internal sealed class PySet
{
    public List<object?> Items { get; } = [];
}

/// <summary>An allow-listed global (class or function) named by a pickle; never executed, only recognised.</summary>
internal sealed record PyGlobal(string Module, string Name)
{
    public string FullName => $"{Module}.{Name}";
    public override string ToString() => FullName;
}

/// <summary>
/// Python-like equality for dict keys. <see cref="CheckKey"/> refuses keys of more than <see cref="MaxKeyNodes"/>
/// values before they enter a dict, so hashing and comparing a key is bounded in work as well as in depth:
/// a tuple of three references to a tuple of three references to … is tiny in a pickle and exponential to walk.
/// </summary>
internal sealed class PyKeyComparer : IEqualityComparer<object>
{
    public static readonly PyKeyComparer Instance = new();
    private const int MaxDepth = 32;
    private const int MaxKeyNodes = 256;

    /// <summary>Throws <see cref="InvalidDataException"/> for a key nested deeper than 32 or made of more than 256 values.</summary>
    public static void CheckKey(object? key)
    {
        int nodes = 0;
        Count(key, 0, ref nodes);
    }

    private static void Count(object? o, int depth, ref int nodes)
    {
        if (++nodes > MaxKeyNodes || depth > MaxDepth)
            throw new InvalidDataException($"a dict key nests deeper than {MaxDepth} or holds more than {MaxKeyNodes} values");
        if (o is PyTuple t)
            foreach (var item in t.Items) Count(item, depth + 1, ref nodes);
    }

    public new bool Equals(object? a, object? b) => Eq(a, b, 0);

    public int GetHashCode(object o) => Hash(o, 0);

    private static bool Eq(object? a, object? b, int depth)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null) return false;
        if (a is PyTuple ta && b is PyTuple tb)
        {
            if (depth > MaxDepth || ta.Count != tb.Count) return false;
            for (int i = 0; i < ta.Count; i++)
                if (!Eq(ta[i], tb[i], depth + 1)) return false;
            return true;
        }
        if (a is long la && b is long lb) return la == lb;
        // Python: True == 1 and 1 == 1.0 as dict keys.
        if (Numeric(a) is { } x && Numeric(b) is { } y) return x == y;
        if (a is string || a is PyGlobal || a is BigInteger) return a.Equals(b);
        return false; // lists, dicts... are unhashable in Python; identity was checked above
    }

    private static int Hash(object o, int depth)
    {
        switch (o)
        {
            case PyTuple t:
                var h = new HashCode();
                h.Add(t.Count);
                if (depth < MaxDepth) foreach (var item in t.Items) h.Add(item is null ? 0 : Hash(item, depth + 1));
                return h.ToHashCode();
            case string s: return s.GetHashCode();
            default:
                if (Numeric(o) is { } d) return d.GetHashCode();
                return o is PyGlobal or BigInteger ? o.GetHashCode() : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(o);
        }
    }

    private static double? Numeric(object o) => o switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        double d => d,
        _ => null,
    };
}
