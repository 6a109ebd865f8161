package dev.utrace.baseline;

import aQute.bnd.differ.DiffPluginImpl;
import aQute.bnd.header.OSGiHeader;
import aQute.bnd.header.Parameters;
import aQute.bnd.osgi.Analyzer;
import aQute.bnd.osgi.Clazz;
import aQute.bnd.osgi.Constants;
import aQute.bnd.osgi.Descriptors.TypeRef;
import aQute.bnd.osgi.Jar;
import aQute.bnd.service.diff.Tree;
import aQute.bnd.service.diff.Type;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Manifest;

/**
 * What a bundle jar exports, as bnd's differ sees it: the API tree of its exported packages and
 * its Export-Package header.
 *
 * <p>The tree holds only what the bundle itself declares. bnd adds to a class the members it
 * inherits from supertypes it can load, and it loads {@code java.lang.Object}, {@code Record} and
 * {@code Enum} from the JDK that runs it, with that JDK's internal annotations
 * ({@code jdk.internal.vm.annotation.IntrinsicCandidate} on {@code hashCode()}): a record written on
 * one JDK would then differ from the same bundle read on the next. bnd treats a supertype it
 * cannot load as one it knows only by name (as it already does for another bundle's types), so
 * the analyzer here loads no class from outside the jar. A change of supertype still shows, as
 * an EXTENDS or IMPLEMENTS element.
 */
final class BundleApi {
    final String bsn;
    final Parameters exports;
    final ApiRecord api;

    private BundleApi(String bsn, Parameters exports, ApiRecord api) {
        this.bsn = bsn;
        this.exports = exports;
        this.api = api;
    }

    /** Reads a bundle; fails with a message (not an exception's text) when the jar is no bundle. */
    static BundleApi read(Path jarFile) throws Exception {
        try (Jar jar = new Jar(jarFile.toFile()); Analyzer analyzer = new OwnClassesAnalyzer(jar)) {
            Manifest manifest = jar.getManifest();
            String bsnHeader = manifest == null ? null : manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            if (bsnHeader == null) {
                throw new IllegalArgumentException(jarFile + " is not a bundle: its manifest has no Bundle-SymbolicName");
            }
            String bsn = OSGiHeader.parseHeader(bsnHeader).keySet().iterator().next();
            Parameters exports = OSGiHeader.parseHeader(manifest.getMainAttributes().getValue(Constants.EXPORT_PACKAGE));
            Tree tree = new DiffPluginImpl().tree(analyzer);
            List<Tree.Data> packages = new ArrayList<>();
            Tree api = tree.get("<api>");
            if (api != null) {
                for (Tree t : api.getChildren()) {
                    // The class-file versions bnd lists beside the packages say nothing about them.
                    if (t.getType() == Type.PACKAGE) {
                        packages.add(t.serialize());
                    }
                }
            }
            return new BundleApi(bsn, exports, new ApiRecord(bsn, packages));
        }
    }

    /** An analyzer that finds only the jar's own classes (see the class comment). */
    private static final class OwnClassesAnalyzer extends Analyzer {
        OwnClassesAnalyzer(Jar jar) throws Exception {
            super(jar);
        }

        @Override
        public Clazz findClass(TypeRef type) throws Exception {
            return getJar().getResource(type.getPath()) == null ? null : super.findClass(type);
        }
    }
}
