package africa.payhub.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The operations console: static files under {@code src/main/resources/static/ops/} (plain HTML, CSS and
 * JavaScript, no build step), served at {@code /ops/}. It holds no data; its script calls the API with the
 * operator's credentials. And the API reference ({@code static/api/docs/}, at {@code /api/docs/}): the OpenAPI
 * document rendered by Swagger UI, from its webjar.
 */
@Configuration(proxyBeanMethods = false)
public class OpsConsole implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/ops", "/ops/");
        registry.addViewController("/ops/").setViewName("forward:/ops/index.html");
        registry.addRedirectViewController("/api/docs", "/api/docs/");
        registry.addViewController("/api/docs/").setViewName("forward:/api/docs/index.html");
    }
}
