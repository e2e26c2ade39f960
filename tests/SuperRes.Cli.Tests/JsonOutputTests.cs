using SuperRes.Cli.Commands;
using SuperRes.Models.Evaluation;
using SuperRes.Runtime;
using SuperRes.Tensors.Tuning;

namespace SuperRes.Cli.Tests;

/// <summary>
/// The exact text of the CLI's JSON outputs (devices, eval, tune): names, order, nesting, number format, indentation
/// and escaping stay as scripts read them, whichever way the text is built.
/// </summary>
public sealed class JsonOutputTests
{
    private static DiscoveryResult Discovery() => new(
        [
            new DeviceInfo(BackendKind.Cpu, 0, "C# reference (2 threads)", 8L << 30, 2, ".NET 10.0.0", "10.0", false),
            new DeviceInfo(BackendKind.OpenCL, 0, "cpu-haswell-Intel(R) Xeon(R) CPU @ 2.20GHz", 4L << 30, 2, "6.0+debian", "OpenCL 3.0 PoCL 6.0+debian", false),
            new DeviceInfo(BackendKind.Cuda, 0, "NVIDIA H200 — “test”", 150_000_000_000, 132, "580.65", "9.0", true),
        ],
        [new BackendProblem(BackendKind.OpenCL, "platform 1: clGetDeviceIDs failed with \"-1\" <CL_DEVICE_NOT_FOUND> → skipped", LibraryMissing: false)]);

    private static EvaluationResult Scores() => new(
    [
        new ImageScore("baby", 33.91581527145431, 0.9054678123, 33.412, 0.9),
        new ImageScore("café+1 <copy>", double.PositiveInfinity, 1, 30.123456789, 0.875),
    ]);

    private static (DeviceInfo Device, TuneReport Report) Tune() => (
        new DeviceInfo(BackendKind.OpenCL, 1, "pthread-cpu “haswell”", 4L << 30, 2, "6.0+debian", "OpenCL 3.0", false),
        new TuneReport(
            [
                new TunedCase("conv2d_forward", new TuningCase("3x3 64→64 32x32", "c64_k3", "shape"), KernelDefines.Parse("TILE_X=8 TILE_Y=8"), 1.23456,
                    KernelDefines.Parse("TILE_X=16 TILE_Y=4"), 0.98765, 2_415_919_104, 7, 1),
                new TunedCase("matmul", new TuningCase("256x256x256", "m256", "shape"), KernelDefines.Parse("TS=16"), 2, KernelDefines.Parse("TS=16"), 2, 33_554_432, 1, 0),
            ],
            "-cl-mad-enable",
            [
                new BuildOptionDecision("-cl-mad-enable", true, 10.5, 12.25, ["conv2d_forward 3x3 64→64 32x32", "matmul 256x256x256"], null),
                new BuildOptionDecision("-cl-fast-relaxed-math", false, null, null, [], "error 0.02 > 0.001"),
            ],
            Interrupted: true,
            "/home/u/.cache/superres/tuning/opencl-1.json"));

    /// <summary>The expected text, with the line breaks the JSON writer uses here.</summary>
    private static void AssertText(string expected, string actual) => Assert.Equal(expected.ReplaceLineEndings(), actual);

    [Fact]
    public void Devices_json_is_the_ranking_then_the_problems_with_relaxed_escaping()
    {
        var found = Discovery();
        AssertText("""
        {
          "devices": [
            {
              "autoRank": 1,
              "autoReason": "a CUDA GPU",
              "id": "cuda:0",
              "backend": "cuda",
              "name": "NVIDIA H200 — “test”",
              "memoryBytes": 150000000000,
              "computeUnits": 132,
              "driverVersion": "580.65",
              "apiVersion": "9.0",
              "isGpu": true
            },
            {
              "autoRank": 2,
              "autoReason": "the C# backend, after the GPUs",
              "id": "cpu",
              "backend": "cpu",
              "name": "C# reference (2 threads)",
              "memoryBytes": 8589934592,
              "computeUnits": 2,
              "driverVersion": ".NET 10.0.0",
              "apiVersion": "10.0",
              "isGpu": false
            },
            {
              "autoRank": 3,
              "autoReason": "an OpenCL CPU device: slower than the C# backend on CPUs; chosen only by id",
              "id": "opencl:0",
              "backend": "opencl",
              "name": "cpu-haswell-Intel(R) Xeon(R) CPU @ 2.20GHz",
              "memoryBytes": 4294967296,
              "computeUnits": 2,
              "driverVersion": "6.0+debian",
              "apiVersion": "OpenCL 3.0 PoCL 6.0+debian",
              "isGpu": false
            }
          ],
          "problems": [
            {
              "backend": "opencl",
              "reason": "platform 1: clGetDeviceIDs failed with \"-1\" <CL_DEVICE_NOT_FOUND> → skipped"
            }
          ]
        }
        """, DevicesCommand.Json(Devices.Ranking(found), found.Problems));
    }

    [Fact]
    public void Eval_json_of_a_network_has_bicubic_beside_it_and_writes_infinite_psnr_as_a_string()
    {
        AssertText("""
        {
          "model": "edsr",
          "scale": 2,
          "psnr": "Infinity",
          "ssim": 0.95273390615,
          "bicubic": {
            "psnr": 31.767728394499997,
            "ssim": 0.8875
          },
          "images": [
            {
              "name": "baby",
              "psnr": 33.91581527145431,
              "ssim": 0.9054678123
            },
            {
              "name": "caf\u00E9\u002B1 \u003Ccopy\u003E",
              "psnr": "Infinity",
              "ssim": 1
            }
          ]
        }
        """, EvalCommand.Json("edsr", 2, Scores(), bicubicOnly: false));
    }

    [Fact]
    public void Eval_json_of_bicubic_alone_has_no_bicubic_object()
    {
        var scores = new EvaluationResult([new ImageScore("bird", 36.8, 0.95, 36.8, 0.95), new ImageScore("head", 33.25, 0.8125, 33.25, 0.8125)]);
        AssertText("""
        {
          "model": "bicubic",
          "scale": 4,
          "psnr": 35.025,
          "ssim": 0.88125,
          "images": [
            {
              "name": "bird",
              "psnr": 36.8,
              "ssim": 0.95
            },
            {
              "name": "head",
              "psnr": 33.25,
              "ssim": 0.8125
            }
          ]
        }
        """, EvalCommand.Json("bicubic", 4, scores, bicubicOnly: true));
    }

    [Fact]
    public void Tune_json_has_the_device_the_build_option_decisions_and_every_case()
    {
        var (device, report) = Tune();
        AssertText("""
        {
          "device": "opencl:1",
          "name": "pthread-cpu “haswell”",
          "driver": "6.0+debian",
          "database": "/home/u/.cache/superres/tuning/opencl-1.json",
          "build_options": "-cl-mad-enable",
          "build_options_note": "-cl-mad-enable: 10.5 ms against 12.2 ms without it (0.857×) on conv2d_forward 3x3 64→64 32x32, matmul 256x256x256: kept; -cl-fast-relaxed-math: not kept (error 0.02 > 0.001)",
          "build_option_decisions": [
            {
              "option": "-cl-mad-enable",
              "kept": true,
              "with_ms": 10.5,
              "without_ms": 12.25,
              "ratio": 0.8571,
              "cases": [
                "conv2d_forward 3x3 64→64 32x32",
                "matmul 256x256x256"
              ],
              "failure": null
            },
            {
              "option": "-cl-fast-relaxed-math",
              "kept": false,
              "with_ms": null,
              "without_ms": null,
              "ratio": null,
              "cases": [],
              "failure": "error 0.02 > 0.001"
            }
          ],
          "interrupted": true,
          "cases": [
            {
              "kernel": "conv2d_forward",
              "shape": "3x3 64→64 32x32",
              "class": "c64_k3",
              "default": "TILE_X=8 TILE_Y=8",
              "default_ms": 1.235,
              "tuned": "TILE_X=16 TILE_Y=4",
              "tuned_ms": 0.988,
              "gflop": 2.4159,
              "tried": 7,
              "rejected": 1
            },
            {
              "kernel": "matmul",
              "shape": "256x256x256",
              "class": "m256",
              "default": "TS=16",
              "default_ms": 2,
              "tuned": "TS=16",
              "tuned_ms": 2,
              "gflop": 0.0336,
              "tried": 1,
              "rejected": 0
            }
          ]
        }
        """, TuneCommand.Json(device, report));
    }
}
