namespace SuperRes.Tensors.Autograd;

/// <summary>
/// The autograd tape of the current thread: ops append a <see cref="GradNode"/> when any input requires a
/// gradient, so the tape is in topological order by construction. <see cref="Backward"/> walks it in reverse,
/// frees every saved intermediate as soon as its node has run, and leaves gradients only on leaves.
/// </summary>
public static class Tape
{
    [ThreadStatic] private static List<GradNode>? _nodes;
    [ThreadStatic] private static int _noGradDepth;

    private static List<GradNode> Nodes => _nodes ??= [];

    /// <summary>False inside <see cref="NoGrad"/>: ops record nothing and keep no intermediates.</summary>
    public static bool IsRecording => _noGradDepth == 0;

    /// <summary>Number of nodes waiting for a backward pass.</summary>
    public static int Count => _nodes?.Count ?? 0;

    /// <summary>Inference mode for the lifetime of the returned scope.</summary>
    public static IDisposable NoGrad()
    {
        _noGradDepth++;
        return new NoGradScope();
    }

    /// <summary>Whether an op with these inputs must record a node.</summary>
    public static bool ShouldRecord(params ReadOnlySpan<Tensor?> inputs)
    {
        if (!IsRecording)
            return false;
        foreach (var t in inputs)
            if (t is { RequiresGrad: true })
                return true;
        return false;
    }

    /// <summary>Appends <paramref name="node"/> and marks its output as produced by it.</summary>
    public static void Record(GradNode node)
    {
        node.Output.RequiresGrad = true;
        node.Output.Creator = node;
        Nodes.Add(node);
    }

    public static void Backward(Tensor loss)
    {
        if (loss.Length != 1)
            throw new InvalidOperationException($"backward needs a scalar loss, got shape {loss.Shape}");
        Backward(loss, Tensor.Full(loss.Device, loss.Shape, 1f));
    }

    /// <summary>
    /// Backward from any tensor with a given upstream gradient (ownership of <paramref name="gradOutput"/> passes
    /// to the tape). Equivalent to the backward of Σ output·gradOutput.
    /// </summary>
    public static void Backward(Tensor output, Tensor gradOutput)
    {
        if (!output.RequiresGrad)
        {
            gradOutput.Dispose();
            Clear();
            throw new InvalidOperationException("backward from a tensor that does not require a gradient: no parameter took part, or it was computed under NoGrad");
        }
        var nodes = Nodes;
        GradNode.Accumulate(output, gradOutput);
        try
        {
            for (int i = nodes.Count - 1; i >= 0; i--)
            {
                var node = nodes[i];
                var produced = node.Output;
                if (produced.Grad is { } grad)
                {
                    produced.Grad = null;
                    node.Backward(grad);
                    grad.Dispose();
                }
                node.ReleaseSaved();
                produced.Creator = null;
            }
        }
        finally
        {
            Clear();
        }
    }

    /// <summary>Drops every recorded node without a backward pass (e.g. after an aborted step).</summary>
    public static void Clear()
    {
        if (_nodes is null)
            return;
        foreach (var node in _nodes)
        {
            node.ReleaseSaved();
            node.Output.Creator = null;
            node.Output.Grad?.Dispose();
            node.Output.Grad = null;
        }
        _nodes.Clear();
    }

    private sealed class NoGradScope : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                _noGradDepth--;
            }
        }
    }
}
