using SuperRes.Tensors;

namespace SuperRes.Training.Distributed;

/// <summary>
/// Collectives between GPUs through NCCL, one rank per GPU, bootstrapped by MPI (rank 0's ncclUniqueId is
/// broadcast over <see cref="MpiCollective"/>; the barrier is MPI's). The ordered all-reduce is the same
/// algorithm as MPI's, on device staging buffers: grouped ncclSend/ncclRecv for the reduce-scatter, the fixed
/// tree over rank order on the host, ncclAllGather back. The trainer's gradients are gathered on the host per
/// step anyway (<see cref="GradientExchange"/>), so the host tree costs one pass over them.
/// </summary>
public sealed unsafe class NcclCollective : ICollective
{
    private readonly MpiCollective _bootstrap;
    private readonly Device _device;
    private nint _comm;
    private Tensor? _send, _receive;
    private float[] _host = [];

    private NcclCollective(MpiCollective bootstrap, Device device, nint comm)
    {
        _bootstrap = bootstrap;
        _device = device;
        _comm = comm;
    }

    public int Rank => _bootstrap.Rank;
    public int Size => _bootstrap.Size;

    /// <summary>Starts MPI, then one NCCL communicator over all ranks on <paramref name="device"/> (a CUDA device).</summary>
    public static NcclCollective Start(Device device)
    {
        if (device.Info.Backend != BackendKind.Cuda)
            throw new CollectiveException($"--distributed nccl needs a CUDA device (--device cuda:N), not {device.Info.Id}; use --distributed mpi on CPUs and OpenCL devices");
        if (!NcclNative.IsAvailable())
            throw new CollectiveException($"--distributed nccl: cannot load {NcclNative.Library}; install NCCL (CUDA's libnccl2 package, or PyTorch's nvidia-nccl wheel on LD_LIBRARY_PATH)");
        var bootstrap = MpiCollective.Start();
        try
        {
            var id = new NcclUniqueId();
            if (bootstrap.Rank == 0)
                NcclNative.Check(NcclNative.ncclGetUniqueId(&id), "ncclGetUniqueId");
            bootstrap.Broadcast(new Span<byte>(id.Internal, NcclUniqueId.Bytes), root: 0);
            // A one-element write makes the device's CUDA context current on this thread before NCCL binds to it.
            using (var probe = Tensor.Zeros(device, new Shape(1)))
                device.Synchronize();
            nint comm;
            NcclNative.Check(NcclNative.ncclCommInitRank(&comm, bootstrap.Size, id, bootstrap.Rank), "ncclCommInitRank");
            return new NcclCollective(bootstrap, device, comm);
        }
        catch
        {
            bootstrap.Dispose();
            throw;
        }
    }

    public string Describe()
    {
        int version = 0;
        NcclNative.ncclGetVersion(&version);
        return $"nccl {version} rank {Rank} of {Size} on {_device.Info.Id} ({_bootstrap.Describe()})";
    }

    public void AllReduceOrderedSum(Span<float> values)
    {
        if (Size == 1)
            return;
        int chunk = checked((int)((values.Length + (long)Size - 1) / Size));
        int padded = checked(chunk * Size);
        if (_send is null || _send.Length != padded)
        {
            _send?.Dispose();
            _receive?.Dispose();
            _send = Tensor.Zeros(_device, new Shape(padded));
            _receive = Tensor.Zeros(_device, new Shape(padded));
            _host = new float[padded];
        }
        values.CopyTo(_host);
        _host.AsSpan(values.Length).Clear();
        _send.CopyFrom(_host);
        _device.Synchronize();
        nint send = _send.Buffer.Handle, receive = _receive!.Buffer.Handle;
        nuint bytes = (nuint)chunk * sizeof(float);
        NcclNative.Check(NcclNative.ncclGroupStart(), "ncclGroupStart");
        for (int peer = 0; peer < Size; peer++)
        {
            NcclNative.Check(NcclNative.ncclSend(send + (nint)((nuint)peer * bytes), (nuint)chunk, NcclNative.Float32, peer, _comm, NcclNative.DefaultStream), "ncclSend");
            NcclNative.Check(NcclNative.ncclRecv(receive + (nint)((nuint)peer * bytes), (nuint)chunk, NcclNative.Float32, peer, _comm, NcclNative.DefaultStream), "ncclRecv");
        }
        NcclNative.Check(NcclNative.ncclGroupEnd(), "ncclGroupEnd");
        NcclNative.CheckCuda(NcclNative.cuStreamSynchronize(NcclNative.DefaultStream), "cuStreamSynchronize");
        _receive.Buffer.MarkWritten();
        var received = _receive.ToArray();
        OrderedSum.TreeOfBlocks(received, Size, chunk);
        received.AsSpan(0, chunk).CopyTo(_host);
        _send.CopyFrom(_host);
        _device.Synchronize();
        NcclNative.Check(NcclNative.ncclAllGather(send, receive, (nuint)chunk, NcclNative.Float32, _comm, NcclNative.DefaultStream), "ncclAllGather");
        NcclNative.CheckCuda(NcclNative.cuStreamSynchronize(NcclNative.DefaultStream), "cuStreamSynchronize");
        _receive.Buffer.MarkWritten();
        _receive.ToArray().AsSpan(0, values.Length).CopyTo(values);
    }

    public void Broadcast(Span<float> values, int root)
    {
        if (Size == 1 || values.Length == 0)
            return;
        using var staging = Tensor.FromArray(_device, new Shape(values.Length), values);
        _device.Synchronize();
        nint p = staging.Buffer.Handle;
        NcclNative.Check(NcclNative.ncclBroadcast(p, p, (nuint)values.Length, NcclNative.Float32, root, _comm, NcclNative.DefaultStream), "ncclBroadcast");
        NcclNative.CheckCuda(NcclNative.cuStreamSynchronize(NcclNative.DefaultStream), "cuStreamSynchronize");
        staging.Buffer.MarkWritten();
        staging.ToArray().CopyTo(values);
    }

    public void Barrier() => _bootstrap.Barrier();

    public void Abort(int exitCode)
    {
        if (_comm != 0)
            NcclNative.ncclCommAbort(_comm);
        _comm = 0;
        _bootstrap.Abort(exitCode);
    }

    public void Dispose()
    {
        _send?.Dispose();
        _receive?.Dispose();
        if (_comm != 0)
            NcclNative.ncclCommDestroy(_comm);
        _comm = 0;
        _bootstrap.Dispose();
    }
}
