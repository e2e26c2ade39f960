namespace SuperRes.Models.Serialization;

/// <summary>
/// A weight file is malformed, truncated, unsupported or hostile. The message always starts with
/// the file path and then says what is wrong (the key, shape, offset or pickle global involved).
/// </summary>
public sealed class WeightFormatException : SuperResException
{
    public WeightFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    public string FilePath { get; }
    public string Problem { get; }
}
