using SuperRes.Models.Modules;
using SuperRes.Tensors;

namespace SuperRes.Training.Distributed;

/// <summary>
/// One data-parallel step over a global batch cut into S equal slices, of which each of the N ranks owns S/N
/// consecutive ones. Per slice the trainer runs forward and backward (the loss is the slice's mean); the slice's
/// gradients, batch-norm running statistics and loss are packed into one host vector. The vectors are summed
/// in the fixed tree of <see cref="OrderedSum"/> — first over the rank's own slices, then over ranks by
/// <see cref="ICollective.AllReduceOrderedSum"/> — and scaled by 1/S, which is the gradient of the global mean.
/// <para>Equivalence rule: N ranks equal one rank of the same S bit for bit when N is a power of two (the tree
/// over S leaves is then the tree over the ranks' subtrees) or N = S.</para>
/// <para>Batch-norm rule: each slice normalises by its own statistics (as a GPU of a DDP run without
/// SyncBatchNorm), every slice starts from the step's running statistics, and the step's new running statistics
/// are the mean over slices of what each slice's update gave.</para>
/// </summary>
internal sealed class GradientExchange
{
    private readonly ICollective _collective;
    private readonly (string Name, Tensor Value)[] _parameters, _buffers;
    private readonly long[] _parameterOffsets, _bufferOffsets;
    private readonly long _lossIndex, _stopIndex;
    private readonly float[][] _partials;
    private readonly float[]? _bufferStart;

    public GradientExchange(Module network, ICollective collective, int slices)
    {
        if (slices < 1 || slices % collective.Size != 0)
            throw new SuperResException($"--grad-slices {slices} must be a positive multiple of the {collective.Size} ranks");
        _collective = collective;
        Slices = slices;
        _parameters = network.NamedParameters().ToArray();
        _buffers = network.NamedBuffers().ToArray();
        long offset = 0;
        _parameterOffsets = Offsets(_parameters, ref offset);
        _bufferOffsets = Offsets(_buffers, ref offset);
        _lossIndex = offset;
        _stopIndex = offset + 1;
        long length = offset + 2;
        if (length > Array.MaxLength)
            throw new SuperResException($"{length} gradient values do not fit one host vector");
        _partials = new float[slices / collective.Size][];
        for (int j = 0; j < _partials.Length; j++)
            _partials[j] = new float[length];
        if (_buffers.Length > 0)
            _bufferStart = new float[offset - _bufferOffsets[0]];
    }

    /// <summary>S, the number of slices of every global batch.</summary>
    public int Slices { get; }

    public int SlicesPerRank => _partials.Length;

    /// <summary>The rows of a global batch of <paramref name="batchSize"/> that this rank cuts and trains on.</summary>
    public (int First, int Count) RankRows(int batchSize)
    {
        int perSlice = batchSize / Slices;
        return (_collective.Rank * SlicesPerRank * perSlice, SlicesPerRank * perSlice);
    }

    /// <summary>
    /// Runs <paramref name="forwardBackward"/> on each of this rank's slices of <paramref name="rankBatch"/>, reduces
    /// over slices and ranks, and leaves the global gradient in the parameters' <c>Grad</c> (the batch-norm buffers
    /// set by the rule above). Returns the global mean loss and whether any rank asked to stop after this step.
    /// </summary>
    public (float Loss, bool StopRequested) Step(Batch rankBatch, Func<Batch, float> forwardBackward, bool stopRequested)
    {
        int rows = rankBatch.InputShape[0] / SlicesPerRank;
        if (_bufferStart is not null)
            Read(_buffers, _bufferOffsets, _bufferStart, 0 - _bufferOffsets[0]);
        for (int j = 0; j < SlicesPerRank; j++)
        {
            var partial = _partials[j];
            if (_bufferStart is not null && j > 0)
                Write(_buffers, _bufferOffsets, _bufferStart, 0 - _bufferOffsets[0]);
            var slice = SlicesPerRank == 1 ? rankBatch : rankBatch.Rows(j * rows, rows);
            float loss = forwardBackward(slice);
            bool last = j == SlicesPerRank - 1;
            for (int i = 0; i < _parameters.Length; i++)
            {
                var p = _parameters[i].Value;
                var span = partial.AsSpan((int)_parameterOffsets[i], (int)p.Length);
                if (p.Grad is { } grad)
                    grad.ToArray().CopyTo(span);
                else
                    span.Clear();
                // The last slice's gradient tensors stay: the reduced gradient is written into them.
                if (!last)
                    p.ZeroGrad();
            }
            Read(_buffers, _bufferOffsets, partial, 0);
            partial[_lossIndex] = loss;
            partial[_stopIndex] = 0;
        }
        OrderedSum.Tree(_partials.Select(p => (Memory<float>)p).ToArray());
        var total = _partials[0];
        total[_stopIndex] = stopRequested ? 1 : 0;
        _collective.AllReduceOrderedSum(total);
        if (Slices > 1)
            OrderedSum.Scale(total.AsSpan(0, (int)_stopIndex), 1f / Slices);
        for (int i = 0; i < _parameters.Length; i++)
            _parameters[i].Value.Grad?.CopyFrom(total.AsSpan((int)_parameterOffsets[i], (int)_parameters[i].Value.Length));
        Write(_buffers, _bufferOffsets, total, 0);
        return (total[_lossIndex], total[_stopIndex] > 0);
    }

    /// <summary>Makes every rank's parameters and buffers rank 0's (after loading, so that every rank starts from one state).</summary>
    public void BroadcastState()
    {
        if (_collective.Size == 1)
            return;
        var state = _partials[0];
        Read(_parameters, _parameterOffsets, state, 0);
        Read(_buffers, _bufferOffsets, state, 0);
        _collective.Broadcast(state.AsSpan(0, (int)_lossIndex), root: 0);
        Write(_parameters, _parameterOffsets, state, 0);
        Write(_buffers, _bufferOffsets, state, 0);
    }

    /// <summary>Waits for every rank (the end of a run: each returns once rank 0 has written the run folder).</summary>
    public void Barrier() => _collective.Barrier();

    private static long[] Offsets((string Name, Tensor Value)[] tensors, ref long offset)
    {
        var offsets = new long[tensors.Length];
        for (int i = 0; i < tensors.Length; i++)
        {
            offsets[i] = offset;
            offset += tensors[i].Value.Length;
        }
        return offsets;
    }

    private static void Read((string Name, Tensor Value)[] tensors, long[] offsets, float[] into, long shift)
    {
        for (int i = 0; i < tensors.Length; i++)
            tensors[i].Value.ToArray().CopyTo(into.AsSpan((int)(offsets[i] + shift), (int)tensors[i].Value.Length));
    }

    private static void Write((string Name, Tensor Value)[] tensors, long[] offsets, float[] from, long shift)
    {
        for (int i = 0; i < tensors.Length; i++)
            tensors[i].Value.CopyFrom(from.AsSpan((int)(offsets[i] + shift), (int)tensors[i].Value.Length));
    }
}
