namespace SuperRes.Models.Serialization;

/// <summary>Loads weight files of any supported format, recognised from their first bytes.</summary>
public static class WeightFiles
{
    /// <summary>
    /// Loads a safetensors file, a PyTorch zip checkpoint (torch ≥ 1.6) or a legacy PyTorch checkpoint,
    /// whatever the file's extension. For PyTorch files the state_dict is found as follows: the top-level
    /// dict if it holds tensors, else the first of params_ema, params, state_dict, model_state_dict, model,
    /// net, network, generator, netG, weights that leads to tensors (up to 4 levels deep), else the only
    /// top-level entry that does. Non-tensor entries are ignored (scalar top-level entries such as
    /// <c>epoch</c> go to <see cref="WeightFile.Metadata"/>). In every format a leading <c>module.</c> is
    /// stripped from the keys when all keys carry it. Pickles may only name state_dict types (see
    /// <see cref="PyTorchZip"/>); anything else is refused, and nothing in the file is ever executed.
    /// Integer and bool tensors (e.g. <c>num_batches_tracked</c>) are kept, converted to float32.
    /// </summary>
    /// <exception cref="WeightFormatException">The file is malformed, truncated, unsupported or hostile.</exception>
    public static WeightFile Load(string path) => Open(path).Read();

    /// <summary>
    /// Reads and checks a weight file's structure (as <see cref="Load"/>) without its tensor data, so the caller
    /// can compare names and shapes with what it needs before anything large is read. Every loader works within a
    /// budget proportional to the file's size (nesting depth, work, memory): a small file describing an enormous
    /// or endlessly nested structure is refused, never followed.
    /// </summary>
    /// <exception cref="WeightFormatException">The file is malformed, truncated, unsupported or hostile.</exception>
    public static WeightFileIndex Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Span<byte> head = stackalloc byte[512];
        int n;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
            n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..n];

        if (head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8)) return PyTorchZip.Open(path);
        // safetensors before legacy: a header length whose low byte is 0x80 also starts with 0x80.
        if (n >= 9 && head[8] == (byte)'{') return Safetensors.Open(path, stripModulePrefix: true);
        if (n > 0 && head[0] == 0x80) return PyTorchLegacy.Open(path);
        if (n >= 262 && head[257..262].SequenceEqual("ustar"u8))
            throw new WeightFormatException(path, "a tar-format PyTorch checkpoint (PyTorch ≤ 0.1.9) is not supported; re-save it with a newer PyTorch");
        string hex = Convert.ToHexString(head[..Math.Min(n, 16)]);
        throw new WeightFormatException(path,
            $"unrecognised weight file format (first bytes {(hex.Length == 0 ? "none: empty file" : hex)}); " +
            "expected safetensors, a PyTorch zip checkpoint or a legacy PyTorch checkpoint");
    }
}
