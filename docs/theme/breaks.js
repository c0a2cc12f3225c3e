// Lets a long path in a table's code (`tokio::task::spawn_blocking`) wrap where a reader
// would break it: after `::`, `.`, `_`, `,`, `(`, `<` or `=`, and between the words of a
// CamelCase name; never elsewhere in a name. (walkthrough.css lets a name break anywhere
// only when even a line of its own cannot hold it.)
(function () {
    const place = /(::|[._,(<=])(?=[^)>\s])|[a-z](?=[A-Z])/g;
    for (const code of document.querySelectorAll(".content table code")) {
        const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
        const texts = [];
        while (walker.nextNode()) texts.push(walker.currentNode);
        for (const text of texts) {
            const pieces = document.createDocumentFragment();
            let from = 0;
            for (const m of text.data.matchAll(place)) {
                const to = m.index + m[0].length;
                pieces.append(text.data.slice(from, to), document.createElement("wbr"));
                from = to;
            }
            if (from === 0) continue;
            pieces.append(text.data.slice(from));
            text.replaceWith(pieces);
        }
    }
})();
