// A tiny fake DOM for unit tests of www/render.js in Node: createElement(NS), createTextNode,
// createDocumentFragment, appendChild, textContent, setAttribute/getAttribute, classList.
// Text is stored as text, never parsed, so a test can check that markup stays text.
class Node {
  constructor(doc) {
    this.ownerDocument = doc;
    this.childNodes = [];
    this.parentNode = null;
  }
  appendChild(child) {
    if (child.nodeType === 11) {
      for (const c of [...child.childNodes]) this.appendChild(c);
      child.childNodes = [];
      return child;
    }
    if (child.parentNode) child.parentNode.childNodes = child.parentNode.childNodes.filter((c) => c !== child);
    child.parentNode = this;
    this.childNodes.push(child);
    return child;
  }
  append(...nodes) {
    for (const n of nodes) this.appendChild(typeof n === "string" ? this.ownerDocument.createTextNode(n) : n);
  }
  get textContent() {
    return this.childNodes.map((c) => c.textContent).join("");
  }
  set textContent(v) {
    this.childNodes = [];
    if (v !== "") this.appendChild(this.ownerDocument.createTextNode(String(v)));
  }
}

class Text extends Node {
  constructor(doc, data) {
    super(doc);
    this.nodeType = 3;
    this.data = data;
  }
  get textContent() {
    return this.data;
  }
  set textContent(v) {
    this.data = String(v);
  }
}

class Fragment extends Node {
  constructor(doc) {
    super(doc);
    this.nodeType = 11;
  }
}

class Element extends Node {
  constructor(doc, tag) {
    super(doc);
    this.nodeType = 1;
    this.tagName = tag.toUpperCase();
    this.attributes = new Map();
    const el = this;
    this.classList = {
      add: (...c) => el._setClasses([...new Set([...el._classes(), ...c])]),
      remove: (...c) => el._setClasses(el._classes().filter((x) => !c.includes(x))),
      contains: (c) => el._classes().includes(c),
      toggle: (c, force) => {
        const on = force ?? !el._classes().includes(c);
        on ? el.classList.add(c) : el.classList.remove(c);
        return on;
      },
    };
  }
  _classes() {
    return (this.attributes.get("class") ?? "").split(/\s+/).filter(Boolean);
  }
  _setClasses(list) {
    this.attributes.set("class", list.join(" "));
  }
  get className() {
    return this.attributes.get("class") ?? "";
  }
  set className(v) {
    this.attributes.set("class", String(v));
  }
  setAttribute(name, value) {
    this.attributes.set(name.toLowerCase(), String(value));
  }
  getAttribute(name) {
    return this.attributes.has(name.toLowerCase()) ? this.attributes.get(name.toLowerCase()) : null;
  }
  hasAttribute(name) {
    return this.attributes.has(name.toLowerCase());
  }
  removeAttribute(name) {
    this.attributes.delete(name.toLowerCase());
  }
  get children() {
    return this.childNodes.filter((c) => c.nodeType === 1);
  }
  /** Every descendant element matching a predicate (depth first). */
  findAll(pred) {
    const out = [];
    const walk = (n) => {
      for (const c of n.childNodes) {
        if (c.nodeType !== 1) continue;
        if (pred(c)) out.push(c);
        walk(c);
      }
    };
    walk(this);
    return out;
  }
  find(pred) {
    return this.findAll(pred)[0] ?? null;
  }
}

export function createDocument() {
  const doc = {
    createElement: (tag) => new Element(doc, tag),
    createElementNS: (ns, tag) => Object.assign(new Element(doc, tag), { namespaceURI: ns }),
    createTextNode: (data) => new Text(doc, String(data)),
    createDocumentFragment: () => new Fragment(doc),
  };
  return doc;
}

/** Predicates for find/findAll. */
export const byTag = (t) => (e) => e.tagName === t.toUpperCase();
export const byAttr = (name, value) => (e) => e.hasAttribute(name) && (value === undefined || e.getAttribute(name) === value);
export const byClass = (c) => (e) => e.classList.contains(c);
