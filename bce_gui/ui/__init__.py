"""The Qt layer: models over the core's numpy columns, views, the plot and the main window."""
