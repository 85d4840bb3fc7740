// KernelCore: placeholder until its issue lands.
enum _KernelCorePlaceholder {}
