// JupyterProtocol: placeholder until its issue lands.
enum _JupyterProtocolPlaceholder {}
