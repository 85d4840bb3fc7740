// TabbyKernel: placeholder until its issue lands.
enum _TabbyKernelPlaceholder {}
