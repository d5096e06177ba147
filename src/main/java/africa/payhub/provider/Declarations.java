package africa.payhub.provider;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import africa.payhub.config.DeclarationSchema;
import africa.payhub.config.ProviderDeclaration;

/**
 * Provider declarations as the hub loads them, at start, on every save and in the offline check: each checked
 * against the published schema ({@link DeclarationSchema}) and with every piece of JSLT it holds compiled, the
 * inline expressions ({@code key}, {@code when}, {@code each}, ...) and the mapping templates it names, so
 * nothing about a declaration can fail first while a payment is sent. Each finding is {@code file:line: rule}.
 */
public final class Declarations {

    private Declarations() {
    }

    /** One declaration file, checked and compiled. */
    public static DeclarationSchema.Checked check(Path home, Path file, Mappings mappings) {
        DeclarationSchema.Checked checked = DeclarationSchema.check(home, file);
        if (checked.declaration() == null) {
            return checked;
        }
        List<DeclarationSchema.Finding> findings = new ArrayList<>(checked.findings());
        String provider = checked.declaration().name();
        // its expressions see the modules it imports; a declaration refused leaves the serving one's in place
        Map<String, String> serving = mappings.imports(provider);
        mappings.imports(provider, checked.declaration().imports());
        for (DeclarationSchema.Jslt jslt : checked.jslt()) {
            Optional<String> problem = jslt.template() ? mappings.compileTemplate(provider + "/" + jslt.text())
                    : mappings.compileExpression(provider, jslt.text()).map(p -> "the JSLT expression '" + jslt.text()
                            + "' does not compile, " + p);
            problem.ifPresent(p -> findings.add(checked.finding(jslt.line(), jslt.path() + ": " + p)));
        }
        if (!findings.isEmpty()) {
            mappings.imports(provider, serving);
        }
        return new DeclarationSchema.Checked(checked.file(), checked.shownAs(), checked.declaration(), List.copyOf(findings),
                checked.jslt());
    }

    /**
     * Every declaration under {@code <home>/routes/providers}, by name, checked and compiled; any finding refuses
     * them all (the hub does not start), each listed as {@code file:line: rule}.
     */
    public static Map<String, ProviderDeclaration> loadAll(Path home, Mappings mappings) {
        return ProviderDeclaration.readAll(home, f -> check(home, f, mappings));
    }
}
