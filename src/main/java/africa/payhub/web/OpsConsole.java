package africa.payhub.web;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The operations console: static files under {@code src/main/resources/static/ops/} (plain HTML, CSS and
 * JavaScript, no build step), served at {@code /ops/}, with its charting library (uPlot, from its webjar in
 * the hub's jar) at {@code /ops/lib/uplot/}: under the console's own path, so the same strict content
 * security policy covers it and nothing is fetched from elsewhere. It holds no data; its script calls the
 * API with the operator's credentials. And the API reference ({@code static/api/docs/}, at {@code /api/docs/}):
 * the OpenAPI document rendered by Swagger UI, from its webjar.
 */
@Configuration(proxyBeanMethods = false)
public class OpsConsole implements WebMvcConfigurer {

    static final String UPLOT = "classpath*:META-INF/resources/webjars/uplot/*/dist/uPlot.iife.min.js";

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/ops", "/ops/");
        registry.addViewController("/ops/").setViewName("forward:/ops/index.html");
        registry.addRedirectViewController("/api/docs", "/api/docs/");
        registry.addViewController("/api/docs/").setViewName("forward:/api/docs/index.html");
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/ops/lib/uplot/**").addResourceLocations(uplotFolder());
    }

    /** The folder of the webjar's dist files, whichever version the build brought. */
    private static Resource uplotFolder() {
        try {
            Resource[] found = new PathMatchingResourcePatternResolver().getResources(UPLOT);
            if (found.length != 1) {
                throw new IllegalStateException("expected one uPlot webjar on the class path, found " + found.length);
            }
            return found[0].createRelative("./");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
