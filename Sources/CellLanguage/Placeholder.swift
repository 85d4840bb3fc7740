// CellLanguage: placeholder until its issue lands.
enum _CellLanguagePlaceholder {}
