import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "../app/styles.css";
import "./widget.css";
import { readConfig } from "./config";
import { WidgetApp } from "./WidgetApp";

const config = readConfig(new URLSearchParams(location.search));
const root = document.getElementById("root")!;
if ("error" in config) {
  root.textContent = config.error;
} else {
  document.documentElement.dataset.theme = config.theme;
  if (config.accent) document.documentElement.style.setProperty("--accent", config.accent);
  createRoot(root).render(
    <StrictMode>
      <WidgetApp config={config} />
    </StrictMode>,
  );
}
