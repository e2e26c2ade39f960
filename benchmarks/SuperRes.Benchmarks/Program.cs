using System.Globalization;
using BenchmarkDotNet.Running;
using SuperRes.Benchmarks;

// dotnet run -c Release --project benchmarks/SuperRes.Benchmarks -- --filter '*OpSuite*'
// dotnet run -c Release --project benchmarks/SuperRes.Benchmarks -- png PHOTO.png [runs]          (PNG filters × zlib levels)
// dotnet run -c Release --project benchmarks/SuperRes.Benchmarks -- codec PHOTO.png SCALE [runs]  (decode + encode around an upscale)
// dotnet run -c Release --project benchmarks/SuperRes.Benchmarks -- jpeg PHOTO.png [runs]         (JPEG whole vs in strips as rows arrive)
// dotnet run -c Release --project benchmarks/SuperRes.Benchmarks -- peers-export                  (weights for export_onnx.py; see peers.sh)
int Number(int index, int otherwise) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : otherwise;
if (args is ["peers-export"])
    PeerModel.ExportWeights();
else if (args is ["png", var photo, ..])
    CodecMeasurement.Filters(photo, Number(2, 3));
else if (args is ["jpeg", var picture, ..])
    CodecMeasurement.JpegStrips(picture, Number(2, 5));
else if (args is ["codec", var image, _, ..])
    CodecMeasurement.DecodeEncode(image, Number(2, 2), Number(3, 3));
else
    BenchmarkSwitcher.FromAssembly(typeof(BenchmarkDevices).Assembly).Run(args);
