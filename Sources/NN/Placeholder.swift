// NN: placeholder until its issue lands.
enum _NNPlaceholder {}
