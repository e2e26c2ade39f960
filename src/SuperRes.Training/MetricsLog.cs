using System.Globalization;
using System.Text;

namespace SuperRes.Training;

/// <summary>
/// One row of metrics.csv. Loss is the mean over the iterations since the previous row; the validation columns
/// are set on rows where validation ran; iters/s and data wait cover the same span as the loss. An adversarial
/// run adds the generator's content and adversarial losses, the discriminator's loss, D(HR) and D(SR).
/// </summary>
public sealed record MetricsRow(long Iteration, double? Loss, double LearningRate, double? ValPsnr, double? ValSsim, double? ItersPerSecond, double? DataWaitPercent,
    GanMetrics? Gan = null);

/// <summary>
/// <c>metrics.csv</c> and <c>curves.svg</c> of a run folder. A resumed run first drops the rows written after
/// its checkpoint (they belong to iterations that will run again), so the file reads as one run. An adversarial
/// run's file has five more columns (<see cref="GanHeader"/>).
/// </summary>
public sealed class MetricsLog
{
    public const string CsvName = "metrics.csv", PlotName = "curves.svg";
    private const string Header = "iteration,loss,lr,val_psnr,val_ssim,iters_per_s,data_wait_pct";
    public const string GanHeader = "content_loss,adversarial_loss,d_loss,d_real,d_fake";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly List<MetricsRow> _rows = [];

    public MetricsLog(string runDirectory, long keepUpTo, string lossName, bool adversarial = false)
    {
        Adversarial = adversarial;
        Directory.CreateDirectory(runDirectory);
        CsvPath = Path.Combine(runDirectory, CsvName);
        PlotPath = Path.Combine(runDirectory, PlotName);
        LossName = lossName;
        if (keepUpTo > 0 && File.Exists(CsvPath))
            foreach (var line in File.ReadLines(CsvPath).Skip(1))
                if (Parse(line) is { } row && row.Iteration <= keepUpTo)
                    _rows.Add(row);
        var text = new StringBuilder(Header).Append(adversarial ? "," + GanHeader : "").Append('\n');
        foreach (var row in _rows)
            text.Append(Format(row)).Append('\n');
        WriteAtomically(CsvPath, text.ToString());
    }

    public string CsvPath { get; }
    public string PlotPath { get; }
    public string LossName { get; }
    public bool Adversarial { get; }
    public IReadOnlyList<MetricsRow> Rows => _rows;

    public void Append(MetricsRow row)
    {
        _rows.Add(row);
        File.AppendAllText(CsvPath, Format(row) + "\n");
    }

    public void WritePlot() => WriteAtomically(PlotPath, CurvePlot.Render(_rows, LossName));

    private string Format(MetricsRow r) => string.Join(',',
        r.Iteration.ToString(Inv), F(r.Loss, "G6"), r.LearningRate.ToString("G6", Inv), F(r.ValPsnr, "F4"), F(r.ValSsim, "F5"),
        F(r.ItersPerSecond, "F3"), F(r.DataWaitPercent, "F2")) + (Adversarial ? "," + FormatGan(r.Gan) : "");

    private static string FormatGan(GanMetrics? g) => string.Join(',',
        F(g?.Content, "G6"), F(g?.Adversarial, "G6"), F(g?.DiscriminatorLoss, "G6"), F(g?.DReal, "F5"), F(g?.DFake, "F5"));

    private static string F(double? v, string format) => v is { } x ? x.ToString(format, Inv) : "";

    private static MetricsRow? Parse(string line)
    {
        var f = line.Split(',');
        if (f.Length is not (7 or 12) || !long.TryParse(f[0], NumberStyles.Integer, Inv, out long it))
            return null;
        static double? D(string s) => double.TryParse(s, NumberStyles.Float, Inv, out double v) ? v : null;
        GanMetrics? gan = f.Length == 12 && D(f[7]) is { } c && D(f[8]) is { } a && D(f[9]) is { } d && D(f[10]) is { } real && D(f[11]) is { } fake
            ? new GanMetrics(c, a, d, real, fake)
            : null;
        return new MetricsRow(it, D(f[1]), D(f[2]) ?? 0, D(f[3]), D(f[4]), D(f[5]), D(f[6]), gan);
    }

    private static void WriteAtomically(string path, string text)
    {
        string temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
