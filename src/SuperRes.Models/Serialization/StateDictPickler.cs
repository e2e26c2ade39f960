using System.Buffers.Binary;
using System.Text;

namespace SuperRes.Models.Serialization;

/// <summary>
/// Emits the protocol-2 pickle torch.save writes for an OrderedDict of float32 tensors:
/// <c>OrderedDict([(key, _rebuild_tensor_v2(persid('storage', FloatStorage, 'i', 'cpu', numel), 0, size, stride, False, OrderedDict())), ...])</c>.
/// No memo is used; the Python unpickler does not need one.
/// </summary>
internal static class StateDictPickler
{
    public static byte[] Pickle(IReadOnlyList<KeyValuePair<string, HostTensor>> tensors)
    {
        var p = new MemoryStream();
        p.Write([0x80, 2]);                                     // PROTO 2
        Global(p, "collections", "OrderedDict");
        p.WriteByte((byte)')');                                 // EMPTY_TUPLE
        p.WriteByte((byte)'R');                                 // REDUCE → OrderedDict()
        p.WriteByte((byte)'(');                                 // MARK
        for (int i = 0; i < tensors.Count; i++)
        {
            var (key, t) = tensors[i];
            Unicode(p, key);
            Global(p, "torch._utils", "_rebuild_tensor_v2");
            p.WriteByte((byte)'(');                             // MARK: argument tuple
            p.WriteByte((byte)'(');                             // MARK: persistent id
            Unicode(p, "storage");
            Global(p, "torch", "FloatStorage");
            Unicode(p, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Unicode(p, "cpu");
            Int(p, t.Data.Length);
            p.WriteByte((byte)'t');                             // TUPLE
            p.WriteByte((byte)'Q');                             // BINPERSID
            Int(p, 0);                                          // storage offset
            var stride = new long[t.Shape.Length];
            long s = 1;
            for (int d = t.Shape.Length - 1; d >= 0; d--) { stride[d] = s; s *= Math.Max(t.Shape[d], 1); }
            Tuple(p, t.Shape.Select(x => (long)x).ToArray());
            Tuple(p, stride);
            p.WriteByte(0x89);                                  // NEWFALSE: requires_grad
            Global(p, "collections", "OrderedDict");            // backward_hooks = OrderedDict()
            p.WriteByte((byte)')');
            p.WriteByte((byte)'R');
            p.WriteByte((byte)'t');                             // TUPLE (argument tuple)
            p.WriteByte((byte)'R');                             // REDUCE → tensor
        }
        p.WriteByte((byte)'u');                                 // SETITEMS
        p.WriteByte((byte)'.');                                 // STOP
        return p.ToArray();
    }

    private static void Global(Stream p, string module, string name)
    {
        p.WriteByte((byte)'c');
        p.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
    }

    private static void Unicode(Stream p, string s)
    {
        byte[] b = Encoding.UTF8.GetBytes(s);
        p.WriteByte((byte)'X');
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(len, b.Length);
        p.Write(len);
        p.Write(b);
    }

    private static void Int(Stream p, long v)
    {
        Span<byte> b = stackalloc byte[8];
        if (v is >= 0 and < 256) { p.WriteByte((byte)'K'); p.WriteByte((byte)v); }
        else if (v is >= 0 and < 65536) { p.WriteByte((byte)'M'); BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v); p.Write(b[..2]); }
        else if (v is >= int.MinValue and <= int.MaxValue) { p.WriteByte((byte)'J'); BinaryPrimitives.WriteInt32LittleEndian(b, (int)v); p.Write(b[..4]); }
        else { p.WriteByte(0x8a); p.WriteByte(8); BinaryPrimitives.WriteInt64LittleEndian(b, v); p.Write(b); } // LONG1
    }

    private static void Tuple(Stream p, long[] items)
    {
        if (items.Length == 0) { p.WriteByte((byte)')'); return; }
        if (items.Length > 3) p.WriteByte((byte)'(');
        foreach (long x in items) Int(p, x);
        p.WriteByte(items.Length switch { 1 => 0x85, 2 => 0x86, 3 => 0x87, _ => (byte)'t' });
    }
}
