// The primitives open profiler scopes (OpTimer.Start with an OpCost and an OpLabel configuration) next to
// their launches; these usings keep those one-liners short.
global using SuperRes.Runtime.Profiling;
global using SuperRes.Tensors.Profiling;
global using SuperRes.Tensors.Backends;
