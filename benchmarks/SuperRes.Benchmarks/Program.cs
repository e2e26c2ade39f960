using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/SuperRes.Benchmarks -- --filter '*Conv2d*'
// dotnet run -c Release --project benchmarks/SuperRes.Benchmarks -- png PHOTO.png [runs]   (PNG filters × zlib levels)
if (args is ["png", var photo, ..])
    SuperRes.Benchmarks.PngEncoderMeasurement.Run(photo, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3);
else
    BenchmarkSwitcher.FromAssembly(typeof(SuperRes.Benchmarks.BenchmarkDevices).Assembly).Run(args);
