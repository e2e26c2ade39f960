// Pixel shuffle with PyTorch's channel order, between a "deep" tensor [N, C·R², H, W] and a "wide" one
// [N, C, H·R, W·R]: wide[c, h·R+i, w·R+j] = deep[c·R² + i·R + j, h, w]. N and C fold into one index (nc)
// because both layouts keep them outermost. One work-item per destination element, so writes are
// contiguous. R is the upscale factor; h and w are the deep (small) spatial sizes.
// @config R=1
// @config R=2
// @config R=3
// @config R=4

// deep → wide; n is the element count of either tensor.
KERNEL void pixel_shuffle(const int n, const int h, const int w, GLOBAL const float* deep, GLOBAL float* wide)
{
    const int o = GLOBAL_ID_X;
    if (o >= n) return;
    const int wideW = w * R;
    const int wideH = h * R;
    const int ox = o % wideW;
    const int rest = o / wideW;
    const int oy = rest % wideH;
    const int nc = rest / wideH;
    const int i = oy % R;
    const int j = ox % R;
    wide[o] = deep[(((nc * R + i) * R + j) * h + oy / R) * w + ox / R];
}

// wide → deep; n is the element count of either tensor.
KERNEL void pixel_unshuffle(const int n, const int h, const int w, GLOBAL const float* wide, GLOBAL float* deep)
{
    const int o = GLOBAL_ID_X;
    if (o >= n) return;
    const int x = o % w;
    int rest = o / w;
    const int y = rest % h;
    rest /= h;
    const int j = rest % R;
    rest /= R;
    const int i = rest % R;
    const int nc = rest / R;
    deep[o] = wide[((nc * h + y) * R + i) * (w * R) + x * R + j];
}
