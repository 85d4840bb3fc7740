// Imaging: placeholder until its issue lands.
enum _ImagingPlaceholder {}
