using System.Globalization;
using System.Text;

namespace SuperRes.Training;

/// <summary>
/// The training curves as a self-contained SVG: the training loss (top) and the validation PSNR (bottom)
/// against the iteration, each panel with axes, "nice" ticks, grid lines and labels. An adversarial run adds
/// the discriminator's loss and its mean outputs D(HR) and D(SR).
/// </summary>
public static class CurvePlot
{
    private const int Width = 900, PanelHeight = 300, Left = 80, Right = 30, Top = 48, Bottom = 50;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>One line of a panel.</summary>
    private sealed record Series(string Label, (double X, double Y)[] Points, string Color);

    public static string Render(IReadOnlyList<MetricsRow> rows, string lossName)
    {
        (double X, double Y)[] Of(Func<MetricsRow, double?> value) =>
            rows.Where(r => value(r) is { } v && double.IsFinite(v)).Select(r => (X: (double)r.Iteration, Y: value(r)!.Value)).ToArray();
        var loss = Of(r => r.Loss);
        var psnr = Of(r => r.ValPsnr);
        bool adversarial = rows.Any(r => r.Gan is not null);
        int panels = adversarial ? 4 : 2;
        double xMax = Math.Max(1, rows.Count == 0 ? 1 : rows.Max(r => r.Iteration));
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{panels * PanelHeight}\" viewBox=\"0 0 {Width} {panels * PanelHeight}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append($"<rect width=\"{Width}\" height=\"{panels * PanelHeight}\" fill=\"white\"/>\n");
        Panel(svg, 0, $"training loss ({lossName})", lossName + " loss", [new("", loss, "#1f77b4")], xMax, markers: false);
        Panel(svg, PanelHeight, "validation PSNR (Y, dB)", "PSNR (dB)", [new("", psnr, "#d62728")], xMax, markers: true);
        if (adversarial)
        {
            Panel(svg, 2 * PanelHeight, "discriminator loss (BCE(D(HR), 1) + BCE(D(SR), 0))", "D loss",
                [new("", Of(r => r.Gan?.DiscriminatorLoss), "#9467bd")], xMax, markers: false);
            Panel(svg, 3 * PanelHeight, "discriminator outputs (mean sigmoid)", "probability",
                [new("D(HR)", Of(r => r.Gan?.DReal), "#2ca02c"), new("D(SR)", Of(r => r.Gan?.DFake), "#ff7f0e")], xMax, markers: false);
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Panel(StringBuilder svg, int top, string title, string yLabel, Series[] series, double xMax, bool markers)
    {
        int x0 = Left, x1 = Width - Right, y0 = top + Top, y1 = top + PanelHeight - Bottom;
        svg.Append($"<text x=\"{Width / 2}\" y=\"{top + 22}\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{Escape(title)}</text>\n");
        var (xTicks, xLo, xHi) = Ticks(0, xMax);
        var all = series.SelectMany(s => s.Points).ToArray();
        double yMin = all.Length == 0 ? 0 : all.Min(p => p.Y), yMax = all.Length == 0 ? 1 : all.Max(p => p.Y);
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
        if (all.Length == 0)
        {
            svg.Append($"<text x=\"{(x0 + x1) / 2}\" y=\"{(y0 + y1) / 2}\" text-anchor=\"middle\" fill=\"#888\">no data yet{(markers ? " (validation needs --val)" : "")}</text>\n");
            return;
        }
        int legend = 0;
        foreach (var s in series.Where(s => s.Points.Length > 0))
        {
            svg.Append($"<polyline fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"1.5\" points=\"");
            svg.AppendJoin(' ', s.Points.Select(p => $"{N(Px(p.X))},{N(Py(p.Y))}"));
            svg.Append("\"/>\n");
            if (s.Label.Length > 0)
                svg.Append($"<text x=\"{x1 - 8}\" y=\"{y0 + 16 + 16 * legend++}\" text-anchor=\"end\" fill=\"{s.Color}\">{Escape(s.Label)}</text>\n");
        }
        if (markers)
        {
            var points = series[0].Points;
            string color = series[0].Color;
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
