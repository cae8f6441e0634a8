"""Learning curve table (Markdown, stdout) and chart (SVG) from learning_curve.sh's curve.tsv.
   curve_chart.py curve.tsv curve.svg"""
import csv
import sys

rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
print("| step | training minutes | tokens | held-out F1 | training-name F1 |")
print("|---:|---:|---:|---:|---:|")
for r in rows:
    print(f"| {r['step']} | {float(r['minutes']):.1f} | {int(float(r['tokens'])):,} | "
          f"{float(r['heldout_f1']):.3f} | {float(r['seen_f1']):.3f} |")

W, H, L, B, T, R = 640, 360, 60, 50, 20, 150
xmax = max(float(r["minutes"]) for r in rows) or 1
x = lambda m: L + (W - L - R) * m / xmax
y = lambda f: T + (H - T - B) * (1 - f)
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>']
for i in range(0, 11, 2):
    f = i / 10
    svg.append(f'<line x1="{L}" x2="{W - R}" y1="{y(f)}" y2="{y(f)}" stroke="#ddd"/>')
    svg.append(f'<text x="{L - 8}" y="{y(f) + 4}" text-anchor="end">{f:.1f}</text>')
for i in range(0, 6):
    m = xmax * i / 5
    svg.append(f'<text x="{x(m)}" y="{H - B + 18}" text-anchor="middle">{m:.0f}</text>')
svg.append(f'<text x="{(L + W - R) / 2}" y="{H - 10}" text-anchor="middle">training minutes</text>')
svg.append(f'<text x="14" y="{(T + H - B) / 2}" transform="rotate(-90 14 {(T + H - B) / 2})" text-anchor="middle">official-metric F1</text>')
for key, colour, label in (("heldout_f1", "#d62728", "held-out names"), ("seen_f1", "#1f77b4", "training names")):
    pts = " ".join(f"{x(float(r['minutes'])):.1f},{y(float(r[key])):.1f}" for r in rows)
    svg.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"/>')
    for r in rows:
        svg.append(f'<circle cx="{x(float(r["minutes"])):.1f}" cy="{y(float(r[key])):.1f}" r="3" fill="{colour}"/>')
    n = ("heldout_f1", "seen_f1").index(key)
    svg.append(f'<rect x="{W - R + 12}" y="{T + 10 + 20 * n}" width="12" height="3" fill="{colour}"/>')
    svg.append(f'<text x="{W - R + 30}" y="{T + 15 + 20 * n}">{label}</text>')
svg.append("</svg>")
open(sys.argv[2], "w").write("\n".join(svg) + "\n")
