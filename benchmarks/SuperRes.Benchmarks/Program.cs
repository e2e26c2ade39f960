using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/SuperRes.Benchmarks -- --filter '*OpSuite*'
// dotnet run -c Release --project benchmarks/SuperRes.Benchmarks -- png PHOTO.png [runs]   (PNG filters × zlib levels)
// dotnet run -c Release --project benchmarks/SuperRes.Benchmarks -- peers-export   (weights for export_onnx.py; see peers.sh)
if (args is ["peers-export"])
    SuperRes.Benchmarks.PeerModel.ExportWeights();
else if (args is ["png", var photo, ..])
    SuperRes.Benchmarks.PngEncoderMeasurement.Run(photo, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3);
else
    BenchmarkSwitcher.FromAssembly(typeof(SuperRes.Benchmarks.BenchmarkDevices).Assembly).Run(args);
