namespace SuperRes;

/// <summary>
/// Base of every error the engine raises on purpose: bad files (weights, images, checkpoints), bad options,
/// devices. The CLI prints its message as one <c>error:</c> line and exits 1; anything else escaping is a bug.
/// It lives in the namespace every project's code sits under, so no <c>using</c> is needed to name it.
/// </summary>
public class SuperResException : Exception
{
    public SuperResException(string message) : base(message) { }
    public SuperResException(string message, Exception? inner) : base(message, inner) { }
}
