// Datasets: placeholder until its issue lands.
enum _DatasetsPlaceholder {}
