// Runs share the static device discovery and the op checks' instances, and a device is driven by one
// thread; on a 2-core CI box parallel doctor runs would also only slow each other down.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
