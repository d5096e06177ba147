package africa.payhub.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The operations console: static files under {@code src/main/resources/static/ops/} (plain HTML, CSS and
 * JavaScript, no build step), served at {@code /ops/}. It holds no data; its script calls the API with the
 * operator's credentials.
 */
@Configuration(proxyBeanMethods = false)
public class OpsConsole implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/ops", "/ops/");
        registry.addViewController("/ops/").setViewName("forward:/ops/index.html");
    }
}
