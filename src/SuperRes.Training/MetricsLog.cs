using System.Globalization;
using System.Text;

namespace SuperRes.Training;

/// <summary>
/// One row of metrics.csv. Loss is the mean over the iterations since the previous row; the validation columns
/// are set on rows where validation ran; iters/s and data wait cover the same span as the loss.
/// </summary>
public sealed record MetricsRow(long Iteration, double? Loss, double LearningRate, double? ValPsnr, double? ValSsim, double? ItersPerSecond, double? DataWaitPercent);

/// <summary>
/// <c>metrics.csv</c> and <c>curves.svg</c> of a run folder. A resumed run first drops the rows written after
/// its checkpoint (they belong to iterations that will run again), so the file reads as one run.
/// </summary>
public sealed class MetricsLog
{
    public const string CsvName = "metrics.csv", PlotName = "curves.svg";
    private const string Header = "iteration,loss,lr,val_psnr,val_ssim,iters_per_s,data_wait_pct";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly List<MetricsRow> _rows = [];

    public MetricsLog(string runDirectory, long keepUpTo, string lossName)
    {
        Directory.CreateDirectory(runDirectory);
        CsvPath = Path.Combine(runDirectory, CsvName);
        PlotPath = Path.Combine(runDirectory, PlotName);
        LossName = lossName;
        if (keepUpTo > 0 && File.Exists(CsvPath))
            foreach (var line in File.ReadLines(CsvPath).Skip(1))
                if (Parse(line) is { } row && row.Iteration <= keepUpTo)
                    _rows.Add(row);
        var text = new StringBuilder(Header).Append('\n');
        foreach (var row in _rows)
            text.Append(Format(row)).Append('\n');
        WriteAtomically(CsvPath, text.ToString());
    }

    public string CsvPath { get; }
    public string PlotPath { get; }
    public string LossName { get; }
    public IReadOnlyList<MetricsRow> Rows => _rows;

    public void Append(MetricsRow row)
    {
        _rows.Add(row);
        File.AppendAllText(CsvPath, Format(row) + "\n");
    }

    public void WritePlot() => WriteAtomically(PlotPath, CurvePlot.Render(_rows, LossName));

    private static string Format(MetricsRow r) => string.Join(',',
        r.Iteration.ToString(Inv), F(r.Loss, "G6"), r.LearningRate.ToString("G6", Inv), F(r.ValPsnr, "F4"), F(r.ValSsim, "F5"),
        F(r.ItersPerSecond, "F3"), F(r.DataWaitPercent, "F2"));

    private static string F(double? v, string format) => v is { } x ? x.ToString(format, Inv) : "";

    private static MetricsRow? Parse(string line)
    {
        var f = line.Split(',');
        if (f.Length != 7 || !long.TryParse(f[0], NumberStyles.Integer, Inv, out long it))
            return null;
        static double? D(string s) => double.TryParse(s, NumberStyles.Float, Inv, out double v) ? v : null;
        return new MetricsRow(it, D(f[1]), D(f[2]) ?? 0, D(f[3]), D(f[4]), D(f[5]), D(f[6]));
    }

    private static void WriteAtomically(string path, string text)
    {
        string temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>
/// The training curves as a self-contained SVG: the training loss (top) and the validation PSNR (bottom)
/// against the iteration, each panel with axes, "nice" ticks, grid lines and labels.
/// </summary>
public static class CurvePlot
{
    private const int Width = 900, PanelHeight = 300, Left = 80, Right = 30, Top = 48, Bottom = 50;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(IReadOnlyList<MetricsRow> rows, string lossName)
    {
        var loss = rows.Where(r => r.Loss is { } l && double.IsFinite(l)).Select(r => (X: (double)r.Iteration, Y: r.Loss!.Value)).ToArray();
        var psnr = rows.Where(r => r.ValPsnr is { } p && double.IsFinite(p)).Select(r => (X: (double)r.Iteration, Y: r.ValPsnr!.Value)).ToArray();
        double xMax = Math.Max(1, rows.Count == 0 ? 1 : rows.Max(r => r.Iteration));
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{2 * PanelHeight}\" viewBox=\"0 0 {Width} {2 * PanelHeight}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append($"<rect width=\"{Width}\" height=\"{2 * PanelHeight}\" fill=\"white\"/>\n");
        Panel(svg, 0, $"training loss ({lossName})", lossName + " loss", loss, xMax, "#1f77b4", markers: false);
        Panel(svg, PanelHeight, "validation PSNR (Y, dB)", "PSNR (dB)", psnr, xMax, "#d62728", markers: true);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Panel(StringBuilder svg, int top, string title, string yLabel, (double X, double Y)[] points, double xMax, string color, bool markers)
    {
        int x0 = Left, x1 = Width - Right, y0 = top + Top, y1 = top + PanelHeight - Bottom;
        svg.Append($"<text x=\"{Width / 2}\" y=\"{top + 22}\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{Escape(title)}</text>\n");
        var (xTicks, xLo, xHi) = Ticks(0, xMax);
        double yMin = points.Length == 0 ? 0 : points.Min(p => p.Y), yMax = points.Length == 0 ? 1 : points.Max(p => p.Y);
        if (yMax - yMin < 1e-12)
        {
            double pad = Math.Max(Math.Abs(yMax) * 0.05, 1e-3);
            yMin -= pad;
            yMax += pad;
        }
        var (yTicks, yLo, yHi) = Ticks(yMin, yMax);
        double Px(double x) => x0 + (x - xLo) / (xHi - xLo) * (x1 - x0);
        double Py(double y) => y1 - (y - yLo) / (yHi - yLo) * (y1 - y0);

        foreach (double t in yTicks)
        {
            double y = Py(t);
            svg.Append($"<line x1=\"{x0}\" y1=\"{N(y)}\" x2=\"{x1}\" y2=\"{N(y)}\" stroke=\"#e0e0e0\"/>\n");
            svg.Append($"<line x1=\"{x0 - 5}\" y1=\"{N(y)}\" x2=\"{x0}\" y2=\"{N(y)}\" stroke=\"black\"/>\n");
            svg.Append($"<text x=\"{x0 - 8}\" y=\"{N(y + 4)}\" text-anchor=\"end\">{Label(t)}</text>\n");
        }
        foreach (double t in xTicks)
        {
            double x = Px(t);
            svg.Append($"<line x1=\"{N(x)}\" y1=\"{y0}\" x2=\"{N(x)}\" y2=\"{y1}\" stroke=\"#e0e0e0\"/>\n");
            svg.Append($"<line x1=\"{N(x)}\" y1=\"{y1}\" x2=\"{N(x)}\" y2=\"{y1 + 5}\" stroke=\"black\"/>\n");
            svg.Append($"<text x=\"{N(x)}\" y=\"{y1 + 19}\" text-anchor=\"middle\">{Label(t)}</text>\n");
        }
        svg.Append($"<rect x=\"{x0}\" y=\"{y0}\" width=\"{x1 - x0}\" height=\"{y1 - y0}\" fill=\"none\" stroke=\"black\"/>\n");
        svg.Append($"<text x=\"{(x0 + x1) / 2}\" y=\"{y1 + 38}\" text-anchor=\"middle\">iteration</text>\n");
        svg.Append($"<text x=\"{x0}\" y=\"{y0 - 7}\" text-anchor=\"start\">{Escape(yLabel)}</text>\n");
        if (points.Length == 0)
        {
            svg.Append($"<text x=\"{(x0 + x1) / 2}\" y=\"{(y0 + y1) / 2}\" text-anchor=\"middle\" fill=\"#888\">no data yet{(markers ? " (validation needs --val)" : "")}</text>\n");
            return;
        }
        svg.Append($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"");
        svg.AppendJoin(' ', points.Select(p => $"{N(Px(p.X))},{N(Py(p.Y))}"));
        svg.Append("\"/>\n");
        if (markers)
        {
            foreach (var p in points)
                svg.Append($"<circle cx=\"{N(Px(p.X))}\" cy=\"{N(Py(p.Y))}\" r=\"3\" fill=\"{color}\"/>\n");
            var best = points.MaxBy(p => p.Y);
            bool right = Px(best.X) > (x0 + x1) / 2.0;
            svg.Append($"<text x=\"{N(Px(best.X) + (right ? -8 : 8))}\" y=\"{N(Math.Max(Py(best.Y) - 8, y0 + 14))}\" text-anchor=\"{(right ? "end" : "start")}\" fill=\"{color}\">best {best.Y.ToString("F2", Inv)} dB @ {Label(best.X)}</text>\n");
        }
    }

    /// <summary>About five ticks at 1, 2 or 5 × 10^k covering [lo, hi]; the axis is widened to the outer ticks.</summary>
    internal static (double[] Ticks, double Lo, double Hi) Ticks(double lo, double hi)
    {
        double range = hi - lo;
        double raw = range / 5;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * magnitude).First(s => s >= raw);
        double first = Math.Floor(lo / step) * step, last = Math.Ceiling(hi / step) * step;
        var ticks = new List<double>();
        for (double t = first; t <= last + step * 1e-9; t += step)
            ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        return (ticks.ToArray(), first, Math.Max(last, first + step));
    }

    private static string Label(double v)
    {
        double a = Math.Abs(v);
        if (a >= 1e6 || (a > 0 && a < 1e-3))
            return v.ToString("0.##E0", Inv);
        if (a >= 1000 && v == Math.Round(v))
            return a >= 10_000 && v % 1000 == 0 ? (v / 1000).ToString("0.##", Inv) + "k" : v.ToString("0", Inv);
        return v.ToString("0.####", Inv);
    }

    private static string N(double v) => v.ToString("0.#", Inv);

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
