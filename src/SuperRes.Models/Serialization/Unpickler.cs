using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace SuperRes.Models.Serialization;

/// <summary>What a pickle may ask for beyond plain data; the torch resolver answers with an allow-list.</summary>
internal interface IPickleResolver
{
    /// <summary>GLOBAL / STACK_GLOBAL. Must throw for anything not allow-listed.</summary>
    object ResolveGlobal(string module, string name);
    /// <summary>REDUCE: <paramref name="callable"/> applied to <paramref name="args"/>.</summary>
    object? Reduce(object? callable, PyTuple args);
    /// <summary>NEWOBJ: cls.__new__(cls, *args).</summary>
    object? NewObject(object? cls, PyTuple args);
    /// <summary>BUILD: sets <paramref name="state"/> on <paramref name="target"/>.</summary>
    void Build(object? target, object? state);
    /// <summary>BINPERSID: the object a persistent id stands for.</summary>
    object? PersistentLoad(object? pid);
}

/// <summary>
/// A small pickle virtual machine for the binary opcodes (protocols 2–5) that torch.save emits.
/// It never imports or calls anything: GLOBAL names go to the resolver, which recognises an
/// allow-list and refuses the rest, and REDUCE/NEWOBJ/BUILD are interpreted by the resolver on
/// plain data. Text-protocol opcodes, extension codes and out-of-band buffers are refused.
/// </summary>
internal sealed class Unpickler
{
    private const int MaxLine = 1024;
    private readonly Stream _s;
    private readonly string _path;
    private readonly IPickleResolver _resolver;
    private readonly LoadBudget _budget;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];
    private long _pos;      // absolute offset in the file, for messages
    private int _op;        // current opcode, for messages
    private long _opPos;

    /// <param name="fileOffset">Offset of the stream's current position within the file (for messages).</param>
    /// <param name="budget">Charged one unit of work per opcode and per item moved, and the memory of every object made.</param>
    public Unpickler(Stream s, string path, IPickleResolver resolver, long fileOffset, LoadBudget budget)
    {
        _s = s;
        _path = path;
        _resolver = resolver;
        _pos = fileOffset;
        _budget = budget;
    }

    /// <summary>Reads one pickle, up to and including STOP, leaving the stream right after it.</summary>
    public object? Load()
    {
        while (true)
        {
            _opPos = _pos;
            _op = ReadByte();
            _budget.Step();
            try
            {
                if (Execute()) return _stack[0];
            }
            catch (InvalidDataException ex) // a limit on plain data (a dict key), raised where no path is known
            {
                throw Error(ex.Message);
            }
        }
    }

    /// <summary>Runs opcode <see cref="_op"/>; true at STOP.</summary>
    private bool Execute()
    {
        switch (_op)
        {
            case 0x80: // PROTO
                int proto = ReadByte();
                if (proto > 5) Fail($"unsupported pickle protocol {proto}");
                break;
            case 0x95: ReadBytes(8); break; // FRAME: a length hint only
            case '.': // STOP
                if (_stack.Count != 1 || _marks.Count != 0) Fail("pickle ended with a malformed stack");
                return true;

            case '(': _marks.Add(_stack.Count); break; // MARK
            case '0': Pop(); break; // POP
            case '1': PopMark(); break; // POP_MARK
            case '2': Push(Peek()); break; // DUP

            case 'N': Push(null); break;
            case 0x88: Push(true); break;
            case 0x89: Push(false); break;
            case 'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break; // BININT
            case 'K': Push((long)ReadByte()); break; // BININT1
            case 'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break; // BININT2
            case 0x8a: Push(ReadLong(ReadByte())); break; // LONG1
            case 0x8b: Push(ReadLong(ReadLength(4))); break; // LONG4
            case 'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break; // BINFLOAT

            // Strings. BINSTRING is a Python 2 str; torch.load decodes those as UTF-8 too.
            case 'X': Push(Utf8(ReadBytes(ReadLength(4)))); break; // BINUNICODE
            case 0x8c: Push(Utf8(ReadBytes(ReadByte()))); break; // SHORT_BINUNICODE
            case 0x8d: Push(Utf8(ReadBytes(ReadLength(8)))); break; // BINUNICODE8
            case 'T': Push(Utf8(ReadBytes(ReadLength(4)))); break; // BINSTRING
            case 'U': Push(Utf8(ReadBytes(ReadByte()))); break; // SHORT_BINSTRING
            case 'B': Push(ReadBytes(ReadLength(4))); break; // BINBYTES
            case 'C': Push(ReadBytes(ReadByte())); break; // SHORT_BINBYTES
            case 0x8e: Push(ReadBytes(ReadLength(8))); break; // BINBYTES8
            case 0x96: Push(ReadBytes(ReadLength(8))); break; // BYTEARRAY8

            case '}': Push(new PyDict()); break; // EMPTY_DICT
            case ']': Push(new List<object?>()); break; // EMPTY_LIST
            case ')': Push(PyTuple.Empty); break; // EMPTY_TUPLE
            case 0x8f: Push(new PySet()); break; // EMPTY_SET
            case 't': Push(new PyTuple(PopMark())); break; // TUPLE
            case 0x85: { var a = Pop(); Push(new PyTuple([a])); break; } // TUPLE1
            case 0x86: { var b = Pop(); var a = Pop(); Push(new PyTuple([a, b])); break; } // TUPLE2
            case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new PyTuple([a, b, c])); break; } // TUPLE3
            case 'l': Push(new List<object?>(PopMark())); break; // LIST
            case 'd': { var d = new PyDict(); SetItems(d, PopMark()); Push(d); break; } // DICT
            case 0x91: { var s = new PySet(); s.Items.AddRange(PopMark()); Push(s); break; } // FROZENSET

            case 's': { var v = Pop(); var k = Pop(); AsDict(Peek()).Set(k, v); break; } // SETITEM
            case 'u': { var items = PopMark(); SetItems(AsDict(Peek()), items); break; } // SETITEMS
            case 'a': { var v = Pop(); AsList(Peek()).Add(v); break; } // APPEND
            case 'e': { var items = PopMark(); AsList(Peek()).AddRange(items); break; } // APPENDS
            case 0x90: { var items = PopMark(); AsSet(Peek()).Items.AddRange(items); break; } // ADDITEMS

            case 'q': _memo[ReadByte()] = Peek(); break; // BINPUT
            case 'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Peek(); break; // LONG_BINPUT
            case 0x94: _memo[_memo.Count] = Peek(); break; // MEMOIZE
            case 'h': Push(Memo(ReadByte())); break; // BINGET
            case 'j': Push(Memo(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break; // LONG_BINGET

            case 'c': { string m = ReadLine(); string n = ReadLine(); Push(_resolver.ResolveGlobal(m, n)); break; } // GLOBAL
            case 0x93: // STACK_GLOBAL
            {
                var n = Pop(); var m = Pop();
                if (m is not string ms || n is not string ns) { Fail("STACK_GLOBAL needs two strings"); return false; }
                Push(_resolver.ResolveGlobal(ms, ns));
                break;
            }
            case 'R': { var args = AsTuple(Pop()); var f = Pop(); Push(_resolver.Reduce(f, args)); break; } // REDUCE
            case 0x81: { var args = AsTuple(Pop()); var cls = Pop(); Push(_resolver.NewObject(cls, args)); break; } // NEWOBJ
            case 'b': { var state = Pop(); _resolver.Build(Peek(), state); break; } // BUILD
            case 'Q': Push(_resolver.PersistentLoad(Pop())); break; // BINPERSID

            case 'I' or 'L' or 'S' or 'V' or 'F' or 'p' or 'g' or 'P' or 'i' or 'o':
                Fail($"text-protocol pickle opcode '{(char)_op}' is not supported (only binary protocols 2-5)");
                break;
            case 0x82 or 0x83 or 0x84:
                Fail("pickle extension-registry opcodes (EXT1/2/4) are not supported");
                break;
            case 0x92:
                Fail("NEWOBJ_EX is not supported in a state_dict");
                break;
            case 0x97 or 0x98:
                Fail("out-of-band pickle buffers (protocol 5) are not supported");
                break;
            default:
                Fail($"unknown pickle opcode 0x{_op:x2}");
                break;
        }
        return false;
    }

    /// <summary>A stack slot and, at most, one small object: what one opcode can create, charged as such.</summary>
    private const int BytesPerPush = 32;

    private void Push(object? o)
    {
        _budget.Allocate(BytesPerPush, "the pickle's objects");
        _stack.Add(o);
    }

    private object? Pop()
    {
        int floor = _marks.Count > 0 ? _marks[^1] : 0;
        if (_stack.Count <= floor) Fail("pickle stack underflow");
        var o = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return o;
    }

    private object? Peek()
    {
        int floor = _marks.Count > 0 ? _marks[^1] : 0;
        if (_stack.Count <= floor) Fail("pickle stack underflow");
        return _stack[^1];
    }

    private object?[] PopMark()
    {
        if (_marks.Count == 0) Fail("pickle MARK missing");
        int m = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        _budget.Step(_stack.Count - m);
        var items = _stack.GetRange(m, _stack.Count - m).ToArray();
        _stack.RemoveRange(m, _stack.Count - m);
        return items;
    }

    private object? Memo(long key)
    {
        if (!_memo.TryGetValue(key, out var v)) Fail($"pickle memo slot {key} was never set");
        return v;
    }

    private void SetItems(PyDict d, object?[] items)
    {
        if (items.Length % 2 != 0) Fail("odd number of items for a dict");
        for (int i = 0; i < items.Length; i += 2) d.Set(items[i], items[i + 1]);
    }

    private PyDict AsDict(object? o) => o as PyDict ?? throw Error($"expected a dict, found {Describe(o)}");
    private List<object?> AsList(object? o) => o as List<object?> ?? throw Error($"expected a list, found {Describe(o)}");
    private PySet AsSet(object? o) => o as PySet ?? throw Error($"expected a set, found {Describe(o)}");
    private PyTuple AsTuple(object? o) => o as PyTuple ?? throw Error($"expected an argument tuple, found {Describe(o)}");

    internal static string Describe(object? o) => o switch
    {
        null => "None",
        string s => $"str '{(s.Length > 40 ? s[..40] + "..." : s)}'",
        PyGlobal g => $"global {g.FullName}",
        _ => o.GetType().Name,
    };

    private int ReadByte()
    {
        int b = _s.ReadByte();
        if (b < 0) Fail("unexpected end of file inside a pickle (truncated file?)");
        _pos++;
        return b;
    }

    private byte[] ReadBytes(long n)
    {
        // Check the claimed length against what is left, so a hostile length cannot allocate gigabytes.
        if (_s.CanSeek && n > _s.Length - _s.Position) Fail($"pickle claims {n} bytes but only {_s.Length - _s.Position} remain (truncated file?)");
        if (n > Array.MaxLength) Fail($"pickle claims {n} bytes");
        _budget.Allocate(n, $"a {n}-byte pickled string");
        var buf = new byte[n];
        int got = _s.ReadAtLeast(buf, buf.Length, throwOnEndOfStream: false);
        _pos += got;
        if (got < n) Fail("unexpected end of file inside a pickle (truncated file?)");
        return buf;
    }

    private long ReadLength(int width)
    {
        var b = ReadBytes(width);
        long n = width == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b);
        if (n < 0) Fail("negative length in pickle");
        return n;
    }

    private object ReadLong(long n)
    {
        if (n == 0) return 0L;
        var v = new BigInteger(ReadBytes(n), isUnsigned: false, isBigEndian: false);
        // Boxed separately: `cond ? (long)v : v` would convert the long back to a BigInteger.
        return v >= long.MinValue && v <= long.MaxValue ? (object)(long)v : v;
    }

    private string ReadLine()
    {
        var sb = new StringBuilder();
        while (true)
        {
            int b = ReadByte();
            if (b == '\n') return sb.ToString();
            if (sb.Length >= MaxLine) Fail("GLOBAL name is too long");
            sb.Append((char)b);
        }
    }

    private static string Utf8(byte[] b) => Encoding.UTF8.GetString(b);

    private WeightFormatException Error(string problem) =>
        new(_path, $"{problem} (pickle opcode 0x{_op:x2} at byte {_opPos})");

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Fail(string problem) => throw Error(problem);
}
